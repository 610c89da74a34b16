import { Directive, Field, ID, ObjectType } from 'type-graphql';
import type { GraphQLError } from 'graphql';
import type { IdentityLabelView } from '../../policy/label';
import { User } from './user';

/** A post, owned by the posts subgraph; this subgraph adds its author's attribution. */
@Directive('@key(fields: "id")')
@ObjectType()
export class Post {
  @Field(() => ID)
  id!: string;

  @Directive('@external')
  @Field(() => User, { description: 'Owned by the posts subgraph.' })
  author!: User;

  @Directive('@requires(fields: "author { id nickname }")')
  @Field({ description: "The author's display name, as User.displayName." })
  displayName!: string;

  @Directive('@requires(fields: "author { id }")')
  @Field(() => String, { nullable: true, description: "The author's disclosed real name, as User.verifiedRealName." })
  verifiedRealName!: string | null;
}

/** What the reference resolver hands to the field resolvers. */
export interface ResolvedPost {
  /** Which member of the _Entity union this is. */
  __typename: 'Post';
  id: string;
  /** As the router sent it (@requires); checked only where it is used. */
  authorNickname: unknown;
  /** null when the representation carried no author id; the error when the account data could not be read. */
  authorLabel: IdentityLabelView | GraphQLError | null;
}
