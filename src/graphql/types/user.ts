import type { GraphQLError } from 'graphql';
import { Directive, Field, ID, ObjectType } from 'type-graphql';
import type { IpLocation as Location } from '../../ip-location/label';
import type { IdentityLabel as Label } from '../../policy/label';
import type { RequestContext } from '../context';
import type { Attribution } from './attribution';
import { IdentityLabel } from './identity-label';
import { IpLocation } from './ip-location';

/**
 * The platform's user, owned by the users subgraph; this subgraph adds its attribution fields. An instance
 * is one `_entities` item: the fields are getters over the label decided for this request's viewer.
 */
@Directive('@key(fields: "id")')
@ObjectType()
export class User {
  /** Which member of the _Entity union this is. */
  readonly __typename = 'User';

  @Field(() => ID)
  readonly id: string;

  @Directive('@external')
  @Field(() => String, { description: 'Owned by the users subgraph.' })
  readonly nickname: unknown;

  constructor(
    id: string,
    nickname: unknown,
    private readonly attribution: Attribution,
  ) {
    this.id = id;
    this.nickname = nickname;
  }

  @Directive('@requires(fields: "nickname")')
  @Field(() => String, {
    description: 'The name to render: the nickname, with the real name when it is disclosed to this viewer.',
  })
  get displayName(): string | GraphQLError {
    return this.attribution.displayName();
  }

  @Field(() => String, { nullable: true, description: 'The disclosed real name, or null for this viewer.' })
  get verifiedRealName(): string | null | GraphQLError {
    return this.attribution.verifiedRealName();
  }

  @Field(() => IdentityLabel)
  get identityLabel(): Label | GraphQLError {
    return this.attribution.identityLabel();
  }

  /**
   * A method, not a getter: graphql-js calls it with the request's context, whose loader reads every
   * User.ipLocation of the request in one batch.
   */
  @Field(() => IpLocation, { nullable: true, description: 'The most recent location recorded for the account.' })
  ipLocation(_args: unknown, context: RequestContext): Promise<Location | null> {
    return context.ipLocations.ofUser(this.id);
  }
}
