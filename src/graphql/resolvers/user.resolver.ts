import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { badUserInput } from '../../errors';
import { displayName } from '../../policy/display-name';
import type { RequestContext } from '../context';
import { User, type ResolvedUser } from '../types/user';

/** Checks the @requires'd nickname the router sent along with a reference. */
export function requireNickname(value: unknown, where: string): string {
  if (typeof value !== 'string') throw badUserInput(`${where} has no nickname: it is required by @requires`);
  return value;
}

@Resolver(() => User)
export class UserResolver {
  @FieldResolver(() => String)
  displayName(@Root() user: ResolvedUser, @Ctx() context: RequestContext): string {
    const nickname = requireNickname(user.nickname, `User ${user.id} representation`);
    return displayName(context.displayNameFormat, nickname, user.identityLabel.realName);
  }
}
