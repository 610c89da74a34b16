// `_entities`, resolved in one step: every representation is checked, the labels of all of them are loaded
// in one batch (the request's DataLoader: one query, duplicates asked once), and the entities come back as
// plain values. The federation library's resolver calls __resolveReference for each representation and
// wraps each result in promises (with 100-1,000 references a request, a large share of the read path), and
// fails the whole list on one representation of an unknown type. Here a bad representation is an error for
// its own item (graphql-js reports an Error value in a list at that item's path); the others resolve.
import type { GraphQLFieldResolver, GraphQLSchema } from 'graphql';
import { badUserInput, isIdentityUnavailable } from '../errors';
import type { RequestContext } from './context';
import {
  postReference,
  userReference,
  type EntityReference,
  type LoadedLabel,
  type Representation,
} from './references';

const READ_REFERENCE: Record<string, (representation: Representation) => EntityReference> = {
  User: userReference,
  Post: postReference,
};

type EntitiesResolver = GraphQLFieldResolver<unknown, RequestContext, { representations: unknown[] }>;

/** The checked reference, or the error for this item alone. */
function readReference(value: unknown, index: number): EntityReference | Error {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return badUserInput(`representation ${index} must be an object`);
  }
  const typename = (value as Representation).__typename;
  if (typeof typename !== 'string') return badUserInput(`representation ${index} has no __typename`);
  if (!Object.hasOwn(READ_REFERENCE, typename)) {
    return badUserInput(
      `representation ${index} has __typename "${typename.slice(0, 64)}", which is not an entity of this subgraph`,
    );
  }
  try {
    return READ_REFERENCE[typename](value as Representation);
  } catch (error) {
    return error as Error;
  }
}

function resolveEntitiesInOneBatch(maxRepresentations: number): EntitiesResolver {
  return async (_source, { representations }, context) => {
    // Armor cannot see variables: the count is checked here, and fails the request before any lookup.
    if (representations.length > maxRepresentations) {
      throw badUserInput(
        `_entities takes at most ${maxRepresentations} representations, got ${representations.length}`,
      );
    }
    const references = representations.map(readReference);
    const userIds: string[] = [];
    for (const reference of references) {
      if (!(reference instanceof Error) && reference.userId !== null) userIds.push(reference.userId);
    }
    const labels = await context.identities.loadMany(userIds); // an Error in place of a label that failed
    let next = 0;
    return references.map((reference) => {
      if (reference instanceof Error) return reference;
      if (reference.userId === null) return reference.entity(null);
      const label = labels[next++];
      // Without the database the entity still resolves (its fields degrade); any other error is the item's.
      if (label instanceof Error && !isIdentityUnavailable(label)) return label;
      return reference.entity(label as LoadedLabel); // a label, or the IDENTITY_UNAVAILABLE error
    });
  };
}

/** Replaces the federation library's `_entities` resolver with the one-batch one, limited in size. */
export function resolveEntitiesInOneStep(schema: GraphQLSchema, maxRepresentations: number): void {
  const field = schema.getQueryType()?.getFields()._entities;
  if (field === undefined) throw new Error('the subgraph schema has no _entities field');
  field.resolve = resolveEntitiesInOneBatch(maxRepresentations) as typeof field.resolve;
}
