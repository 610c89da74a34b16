// `_entities`, in one step: every representation is read, the labels of all of them are loaded in one batch
// (the request's DataLoader: one query, duplicates asked once), and each item becomes a User or a Post.
// A bad representation is an error for its own item (graphql-js reports an Error value in a list at that
// item's path); the others resolve. When the account data cannot be read, the entities still resolve with
// the IDENTITY_UNAVAILABLE error as their label: their fields decide how to degrade.
import type { GraphQLFieldResolver } from 'graphql';
import { isIdentityUnavailable } from '../errors';
import { tracingOn, withSpan, type SpanAttributes } from '../observability/tracing';
import type { RequestContext } from './context';
import { readRepresentation, type EntityReading } from './representations';
import { Attribution, type LoadedLabel } from './types/attribution';
import { Post } from './types/post';
import { User } from './types/user';

type EntitiesResolver = GraphQLFieldResolver<unknown, RequestContext, { representations: unknown[] }>;

function entityOf(reading: EntityReading, label: LoadedLabel, displayNameFormat: string): User | Post {
  if (reading.__typename === 'User') {
    return new User(
      reading.id,
      reading.nickname,
      new Attribution(reading.nickname, label, displayNameFormat, 'User', reading.id),
    );
  }
  const attribution = new Attribution(reading.authorNickname, label, displayNameFormat, 'Post', reading.id);
  return new Post(reading.id, attribution, reading.userId, reading.category);
}

/** The span's attributes: how many representations, by type (counts only, never an id). */
function batchAttributes(readings: readonly (EntityReading | Error)[]): SpanAttributes {
  let users = 0;
  let posts = 0;
  for (const reading of readings) {
    if (reading instanceof Error) continue;
    if (reading.__typename === 'User') users += 1;
    else posts += 1;
  }
  return {
    'identity_labels.representations': readings.length,
    'identity_labels.representations.user': users,
    'identity_labels.representations.post': posts,
    'identity_labels.representations.invalid': readings.length - users - posts,
  };
}

/** The `_entities` resolver. How many representations a request may carry is checked before (limits.ts). */
export function resolveEntities(): EntitiesResolver {
  return async (_source, { representations }, context) => {
    const readings = representations.map(readRepresentation);
    const userIds: string[] = [];
    for (const reading of readings) {
      if (!(reading instanceof Error) && reading.userId !== null) userIds.push(reading.userId);
    }
    // The batch's span: the account read it causes (the loader's one query) is its child.
    const attributes = tracingOn() ? batchAttributes(readings) : {};
    // An Error in place of a label that failed.
    const labels = await withSpan('_entities', attributes, () => context.identities.loadMany(userIds));
    let next = 0;
    const { displayNameFormat } = context.services;
    return readings.map((reading) => {
      if (reading instanceof Error) return reading;
      // Only a post can lack its user.
      if (reading.__typename === 'Post' && reading.userId === null) {
        return new Post(reading.id, null, null, reading.category);
      }
      const label = labels[next++];
      if (label === undefined) throw new Error('the label loader answered fewer labels than it was asked for');
      // Without the database the entity still resolves (its fields degrade); any other error is the item's.
      if (!(label instanceof Error) || isIdentityUnavailable(label)) return entityOf(reading, label, displayNameFormat);
      return label;
    });
  };
}
