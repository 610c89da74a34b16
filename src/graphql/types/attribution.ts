// How an account is attributed in a feed: the nickname the router sent (@requires) and the label decided
// for this viewer. User and Post both render through it, so the two can never disagree.
// A field that cannot be answered returns its error as its value (both graphql-js and graphql-jit report an
// Error value as that field's error): fields are read as plain properties, where a throw would escape.
import { GraphQLError } from 'graphql';
import { badUserInput } from '../../errors';
import { displayName } from '../../policy/display-name';
import type { IdentityLabel } from '../../policy/label';

/** A label, or the IDENTITY_UNAVAILABLE error that stands in for it when the account data could not be read. */
export type LoadedLabel = IdentityLabel | GraphQLError;

/** Where the nickname came from: the representation itself for a User, its `author` for a Post. */
function whereFrom(typename: 'User' | 'Post', id: string): string {
  return typename === 'User' ? `User ${id} representation` : `Post ${id} representation "author"`;
}

export class Attribution {
  constructor(
    /** As the router sent it; checked only where it is used. */
    private readonly nickname: unknown,
    private readonly label: LoadedLabel,
    private readonly displayNameFormat: string,
    /** The entity's type and id, named in errors only (built when there is one: most requests have none). */
    private readonly typename: 'User' | 'Post',
    private readonly id: string,
  ) {}

  /** The nickname, with the real name when it is disclosed to this viewer; without account data, the nickname. */
  displayName(): string | GraphQLError {
    if (typeof this.nickname !== 'string') {
      return badUserInput(`${whereFrom(this.typename, this.id)} has no nickname: it is required by @requires`);
    }
    const realName = this.label instanceof GraphQLError ? null : this.label.realName;
    return displayName(this.displayNameFormat, this.nickname, realName);
  }

  verifiedRealName(): string | null | GraphQLError {
    return this.label instanceof GraphQLError ? this.label : this.label.realName;
  }

  /** The label, or the IDENTITY_UNAVAILABLE error as this field's error. */
  identityLabel(): IdentityLabel | GraphQLError {
    return this.label;
  }
}
