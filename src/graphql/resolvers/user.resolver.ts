import { GraphQLError } from 'graphql';
import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { badUserInput } from '../../errors';
import { displayName } from '../../policy/display-name';
import type { IdentityLabelView } from '../../policy/label';
import type { RequestContext } from '../context';
import { IdentityLabel } from '../types/identity-label';
import { User, type ResolvedUser } from '../types/user';

/** Checks the @requires'd nickname the router sent along with a reference. */
export function requireNickname(value: unknown, where: string): string {
  if (typeof value !== 'string') throw badUserInput(`${where} has no nickname: it is required by @requires`);
  return value;
}

/** The label, or the IDENTITY_UNAVAILABLE error as this field's error. */
export function availableLabel(label: IdentityLabelView | GraphQLError): IdentityLabelView {
  if (label instanceof GraphQLError) throw label;
  return label;
}

/** The real name the viewer may see; with no account data, none (the nickname stands alone). */
export function realNameOrNone(label: IdentityLabelView | GraphQLError): string | null {
  return label instanceof GraphQLError ? null : label.realName;
}

@Resolver(() => User)
export class UserResolver {
  @FieldResolver(() => String)
  displayName(@Root() user: ResolvedUser, @Ctx() context: RequestContext): string {
    const nickname = requireNickname(user.nickname, `User ${user.id} representation`);
    return displayName(context.displayNameFormat, nickname, realNameOrNone(user.label));
  }

  @FieldResolver(() => String, { nullable: true })
  verifiedRealName(@Root() user: ResolvedUser): string | null {
    return availableLabel(user.label).realName;
  }

  @FieldResolver(() => IdentityLabel)
  identityLabel(@Root() user: ResolvedUser): IdentityLabelView {
    return availableLabel(user.label);
  }
}
