// Federation entry points: the router sends representations, these turn them into resolved entities.
// Every reference goes through the request's identity loader here, in the same tick, so one _entities
// request becomes one batch. When the account data cannot be read, the entity still resolves: its fields
// decide how to degrade (displayName falls back to the nickname, never to a guess).
import { GraphQLError } from 'graphql';
import { badUserInput, ErrorCode, requireUserId } from '../errors';
import type { IdentityLabelView } from '../policy/label';
import type { RequestContext } from './context';
import type { ResolvedPost } from './types/post';
import type { ResolvedUser } from './types/user';

type Representation = Record<string, unknown>;

function loadLabel(context: RequestContext, userId: string): Promise<IdentityLabelView | GraphQLError> {
  return context.identities.load(userId).catch((error: unknown) => {
    if (error instanceof GraphQLError && error.extensions.code === ErrorCode.IDENTITY_UNAVAILABLE) return error;
    throw error;
  });
}

async function resolveUserReference(representation: Representation, context: RequestContext): Promise<ResolvedUser> {
  const id = requireUserId(representation.id, 'User representation "id"');
  return { id, nickname: representation.nickname, label: await loadLabel(context, id) };
}

async function resolvePostReference(representation: Representation, context: RequestContext): Promise<ResolvedPost> {
  const id = representation.id;
  if (typeof id !== 'string' || id.length === 0)
    throw badUserInput('Post representation "id" must be a non-empty string');
  const author = representation.author;
  if (author === undefined || author === null || typeof author !== 'object') {
    return { id, authorNickname: undefined, authorLabel: null };
  }
  const { id: authorId, nickname } = author as Representation;
  const userId = requireUserId(authorId, `Post ${id} representation "author.id"`);
  return { id, authorNickname: nickname, authorLabel: await loadLabel(context, userId) };
}

export const referenceResolvers = {
  User: { __resolveReference: resolveUserReference },
  Post: { __resolveReference: resolvePostReference },
};
