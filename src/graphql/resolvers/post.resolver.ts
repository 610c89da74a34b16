import type { GraphQLError } from 'graphql';
import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { badUserInput } from '../../errors';
import { displayName } from '../../policy/display-name';
import type { IdentityLabelView } from '../../policy/label';
import type { RequestContext } from '../context';
import { Post, type ResolvedPost } from '../types/post';
import { availableLabel, realNameOrNone, requireNickname } from './user.resolver';

function authorLabel(post: ResolvedPost): IdentityLabelView | GraphQLError {
  if (post.authorLabel === null) {
    throw badUserInput(`Post ${post.id} representation has no author { id }: it is required by @requires`);
  }
  return post.authorLabel;
}

@Resolver(() => Post)
export class PostResolver {
  @FieldResolver(() => String)
  displayName(@Root() post: ResolvedPost, @Ctx() context: RequestContext): string {
    const label = authorLabel(post);
    const nickname = requireNickname(post.authorNickname, `Post ${post.id} representation "author"`);
    return displayName(context.displayNameFormat, nickname, realNameOrNone(label));
  }

  @FieldResolver(() => String, { nullable: true })
  verifiedRealName(@Root() post: ResolvedPost): string | null {
    return availableLabel(authorLabel(post)).realName;
  }
}
