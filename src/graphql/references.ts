// Federation entry points: the router sends representations, these turn them into resolved entities.
// Reading a representation (checking its key and @requires fields) is kept apart from loading its label, so
// that the `_entities` resolver (entities.ts) can read them all, load every label in one batch, and build
// the entities without a promise each. The __resolveReference resolvers do the same one at a time; they
// serve what entities.ts hands back to the federation library.
// When the account data cannot be read, the entity still resolves with the IDENTITY_UNAVAILABLE error as
// its label: its fields decide how to degrade (displayName falls back to the nickname, never to a guess).
import type { GraphQLError } from 'graphql';
import { badUserInput, isIdentityUnavailable, requireUserId } from '../errors';
import type { IdentityLabelView } from '../policy/label';
import type { RequestContext } from './context';
import type { ResolvedPost } from './types/post';
import type { ResolvedUser } from './types/user';

export type Representation = Record<string, unknown>;

/** A label, or the IDENTITY_UNAVAILABLE error that stands in for it. */
export type LoadedLabel = IdentityLabelView | GraphQLError;

/** A checked representation: the user whose label it needs (null: none), and the entity made from that label. */
export interface EntityReference {
  userId: string | null;
  entity(label: LoadedLabel | null): ResolvedUser | ResolvedPost;
}

export function userReference(representation: Representation): EntityReference {
  const id = requireUserId(representation.id, 'User representation "id"');
  return {
    userId: id,
    entity: (label): ResolvedUser => ({ __typename: 'User', id, nickname: representation.nickname, label: label! }),
  };
}

export function postReference(representation: Representation): EntityReference {
  const id = representation.id;
  if (typeof id !== 'string' || id.length === 0)
    throw badUserInput('Post representation "id" must be a non-empty string');
  const author = representation.author;
  if (author === undefined || author === null || typeof author !== 'object') {
    return {
      userId: null,
      entity: (): ResolvedPost => ({ __typename: 'Post', id, authorNickname: undefined, authorLabel: null }),
    };
  }
  const { id: authorId, nickname } = author as Representation;
  return {
    userId: requireUserId(authorId, `Post ${id} representation "author.id"`),
    entity: (label): ResolvedPost => ({ __typename: 'Post', id, authorNickname: nickname, authorLabel: label }),
  };
}

async function resolveReference(reference: EntityReference, context: RequestContext) {
  if (reference.userId === null) return reference.entity(null);
  const label = await context.identities.load(reference.userId).catch((error: unknown) => {
    if (isIdentityUnavailable(error)) return error; // the entity resolves; its fields degrade
    throw error;
  });
  return reference.entity(label);
}

export const referenceResolvers = {
  User: {
    __resolveReference: (representation: Representation, context: RequestContext) =>
      resolveReference(userReference(representation), context),
  },
  Post: {
    __resolveReference: (representation: Representation, context: RequestContext) =>
      resolveReference(postReference(representation), context),
  },
};
