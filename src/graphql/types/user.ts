import type { GraphQLError } from 'graphql';
import { Args, ArgsType, Directive, Field, ID, ObjectType } from 'type-graphql';
import type { IpLocation as Location } from '../../ip-location/label';
import type * as professional from '../../professional/label';
import type { ProfessionalField } from '../../professional/qualification';
import type { IdentityLabel as Label } from '../../policy/label';
import type { RequestContext } from '../context';
import type { Attribution } from './attribution';
import { ProfessionalFieldEnum } from './enums';
import { IdentityLabel } from './identity-label';
import { IpLocation } from './ip-location';
import { McnAgency, Qualification } from './professional';

@ArgsType()
export class MayPublishInArgs {
  @Field(() => ProfessionalFieldEnum)
  field!: ProfessionalField;
}

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

  // The professional labels are methods for the same reason: each kind is one batch of the request.

  @Field(() => [Qualification], {
    description: "The credentials in force, as the account's profile shows them (none at or after its expiresAt).",
  })
  qualifications(_args: unknown, context: RequestContext): Promise<professional.Qualification[]> {
    return context.professional.qualificationsOf(this.id);
  }

  @Field(() => McnAgency, { nullable: true, description: 'The MCN agency the account is run by, if any.' })
  mcnAgency(_args: unknown, context: RequestContext): Promise<professional.McnAgency | null> {
    return context.professional.mcnAgencyOf(this.id);
  }

  @Field(() => Boolean, {
    description:
      'Whether the account holds a credential in force in the field: publishing there is suspended while it does ' +
      'not (for the posts service to enforce).',
  })
  mayPublishIn(@Args() { field }: MayPublishInArgs, context: RequestContext): Promise<boolean> {
    return context.professional.mayPublishIn(this.id, field);
  }
}
