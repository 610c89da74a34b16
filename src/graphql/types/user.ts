import { Directive, Field, ID, ObjectType } from 'type-graphql';
import type { GraphQLError } from 'graphql';
import type { IdentityLabelView } from '../../policy/label';
import { IdentityLabel } from './identity-label';

/** The platform's user, owned by the users subgraph; this subgraph adds its attribution fields. */
@Directive('@key(fields: "id")')
@ObjectType()
export class User {
  @Field(() => ID)
  id!: string;

  @Directive('@external')
  @Field({ description: 'Owned by the users subgraph.' })
  nickname!: string;

  @Directive('@requires(fields: "nickname")')
  @Field({ description: 'The name to render: the nickname, with the real name when it is disclosed to this viewer.' })
  displayName!: string;

  @Field(() => String, { nullable: true, description: 'The disclosed real name, or null for this viewer.' })
  verifiedRealName!: string | null;

  @Field(() => IdentityLabel)
  identityLabel!: IdentityLabel;
}

/** What the reference resolver hands to the field resolvers: the representation plus the decided label. */
export interface ResolvedUser {
  /** Which member of the _Entity union this is. */
  __typename: 'User';
  id: string;
  /** As the router sent it (@requires); checked only where it is used. */
  nickname: unknown;
  /** The error instead, when the account data could not be read (IDENTITY_UNAVAILABLE). */
  label: IdentityLabelView | GraphQLError;
}
