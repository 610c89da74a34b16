import type { GraphQLError } from 'graphql';
import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { badUserInput } from '../../errors';
import type { IpLocation as Location } from '../../ip-location/label';
import type { RequestContext } from '../context';
import type { Attribution } from './attribution';
import { IpLocation } from './ip-location';
import { User } from './user';

/**
 * A post, owned by the posts subgraph; this subgraph adds its author's attribution. An instance is one
 * `_entities` item, its fields getters over the author's label.
 */
@Directive('@key(fields: "id")')
@ObjectType()
export class Post {
  /** Which member of the _Entity union this is. */
  readonly __typename = 'Post';

  @Field(() => ID)
  readonly id: string;

  @Directive('@external')
  @Field(() => User, { description: 'Owned by the posts subgraph.' })
  readonly author: unknown; // declared for the contract; the router never asks this subgraph for it

  @Directive('@external')
  @Field(() => String, { nullable: true, description: 'Owned by the posts subgraph.' })
  readonly category: unknown;

  constructor(
    id: string,
    /** null when the representation carried no author id (@requires was not honoured). */
    private readonly authorAttribution: Attribution | null,
    /** As the router sent them (@requires); checked only where they are used. */
    private readonly authorId: string | null = null,
    category: unknown = undefined,
  ) {
    this.id = id;
    this.category = category;
  }

  @Directive('@requires(fields: "author { id nickname }")')
  @Field(() => String, { description: "The author's display name, as User.displayName." })
  get displayName(): string | GraphQLError {
    return this.authorAttribution === null ? this.missingAuthor() : this.authorAttribution.displayName();
  }

  @Directive('@requires(fields: "author { id }")')
  @Field(() => String, { nullable: true, description: "The author's disclosed real name, as User.verifiedRealName." })
  get verifiedRealName(): string | null | GraphQLError {
    return this.authorAttribution === null ? this.missingAuthor() : this.authorAttribution.verifiedRealName();
  }

  /** Needs only the post's key; a method so that the executor hands it the request's loader (one batch). */
  @Field(() => IpLocation, {
    nullable: true,
    description: 'Where the post was made from; null if none was recorded.',
  })
  ipLocation(_args: unknown, context: RequestContext): Promise<Location | null> {
    return context.ipLocations.ofPost(this.id);
  }

  /** A method, so that every post of the request asks for its author's credentials in one batch. */
  @Directive('@requires(fields: "author { id } category")')
  @Field(() => String, {
    nullable: true,
    description:
      "The author's credential label for the field the post's category belongs to (PROFESSIONAL_CATEGORY_FIELDS), " +
      'as Qualification.label; null when the category is in no field or the author holds no credential in force there.',
  })
  professionalLabel(_args: unknown, context: RequestContext): Promise<string | null> | GraphQLError {
    if (this.authorId === null) return this.missingAuthor();
    if (this.category === undefined) {
      return badUserInput(`Post ${this.id} representation has no category: it is required by @requires`);
    }
    if (this.category !== null && typeof this.category !== 'string') {
      return badUserInput(`Post ${this.id} representation "category" must be a string or null`);
    }
    return context.professional.professionalLabel(this.authorId, this.category);
  }

  private missingAuthor(): GraphQLError {
    return badUserInput(`Post ${this.id} representation has no author { id }: it is required by @requires`);
  }
}
