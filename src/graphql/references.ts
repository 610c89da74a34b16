// Federation entry points: the router sends representations, these turn them into resolved entities.
// Every reference goes through the request's identity loader here, in the same tick, so one _entities
// request becomes one batch.
import { badUserInput, requireUserId } from '../errors';
import type { RequestContext } from './context';
import type { ResolvedPost } from './types/post';
import type { ResolvedUser } from './types/user';

type Representation = Record<string, unknown>;

async function resolveUserReference(representation: Representation, context: RequestContext): Promise<ResolvedUser> {
  const id = requireUserId(representation.id, 'User representation "id"');
  const label = await context.identities.load(id);
  return { id, nickname: representation.nickname, verifiedRealName: label.realName, identityLabel: label };
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
  const label = await context.identities.load(requireUserId(authorId, `Post ${id} representation "author.id"`));
  return { id, authorNickname: nickname, authorLabel: label };
}

export const referenceResolvers = {
  User: { __resolveReference: resolveUserReference },
  Post: { __resolveReference: resolvePostReference },
};
