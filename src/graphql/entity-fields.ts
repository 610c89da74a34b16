// The fields this subgraph adds to User and Post, as plain resolvers. They run once per entity per field
// (hundreds per feed request), so they do not go through type-graphql's resolver wrapper.
import { GraphQLError } from 'graphql';
import { badUserInput } from '../errors';
import { displayName } from '../policy/display-name';
import type { IdentityLabelView } from '../policy/label';
import type { RequestContext } from './context';
import type { ResolvedPost } from './types/post';
import type { ResolvedUser } from './types/user';

/** Checks the @requires'd nickname the router sent along with a reference. */
function requireNickname(value: unknown, where: string): string {
  if (typeof value !== 'string') throw badUserInput(`${where} has no nickname: it is required by @requires`);
  return value;
}

/** The label, or the IDENTITY_UNAVAILABLE error as this field's error. */
function availableLabel(label: IdentityLabelView | GraphQLError): IdentityLabelView {
  if (label instanceof GraphQLError) throw label;
  return label;
}

/** The real name the viewer may see; with no account data, none (the nickname stands alone). */
function realNameOrNone(label: IdentityLabelView | GraphQLError): string | null {
  return label instanceof GraphQLError ? null : label.realName;
}

function authorLabel(post: ResolvedPost): IdentityLabelView | GraphQLError {
  if (post.authorLabel === null) {
    throw badUserInput(`Post ${post.id} representation has no author { id }: it is required by @requires`);
  }
  return post.authorLabel;
}

export const entityFieldResolvers = {
  User: {
    displayName(user: ResolvedUser, _args: unknown, context: RequestContext): string {
      const nickname = requireNickname(user.nickname, `User ${user.id} representation`);
      return displayName(context.displayNameFormat, nickname, realNameOrNone(user.label));
    },
    verifiedRealName: (user: ResolvedUser): string | null => availableLabel(user.label).realName,
    identityLabel: (user: ResolvedUser): IdentityLabelView => availableLabel(user.label),
  },
  Post: {
    displayName(post: ResolvedPost, _args: unknown, context: RequestContext): string {
      const label = authorLabel(post);
      const nickname = requireNickname(post.authorNickname, `Post ${post.id} representation "author"`);
      return displayName(context.displayNameFormat, nickname, realNameOrNone(label));
    },
    verifiedRealName: (post: ResolvedPost): string | null => availableLabel(authorLabel(post)).realName,
  },
};
