import { DateTimeResolver } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import type * as owner from '../../owner-data/read-owner-data';
import type * as explanation from '../../policy/explanation';
import type { IdentityLabel as Label } from '../../policy/label';
import type { ConsentAnswer, DisclosureStatus, Verification } from '../../policy/types';
import type { LabelChangeEvent } from '../../professional/label-changes';
import type { ProfessionalField } from '../../professional/qualification';
import { DisclosureStatusEnum, LabelChangeEventEnum, ProfessionalFieldEnum } from './enums';
import { IdentityLabel } from './identity-label';
import { PolicyStage } from './policy-stage';
import { Qualification } from './professional';

/** Served as the use case builds it (src/owner-data/read-owner-data.ts): plain data, read by the default resolvers. */
@ObjectType({ description: "Why the account's label is what it is, and what answering would do." })
export class LabelExplanation implements explanation.LabelExplanation {
  @Field(() => DisclosureStatusEnum)
  status!: DisclosureStatus;

  @Field(() => PolicyStage, { nullable: true, description: 'The stage that makes the account subject, if any.' })
  stage!: PolicyStage | null;

  @Field(() => Int, {
    nullable: true,
    description: 'The follower count that keeps the account subject under that stage (lower once notified).',
  })
  followerFloor!: number | null;

  @Field(() => Int, { description: 'The follower count the label was decided on.' })
  followerCount!: number;

  @Field(() => String, { nullable: true, description: 'The content category the label was decided on.' })
  category!: string | null;

  @Field(() => DateTimeResolver, { nullable: true })
  noticeDeadline!: Date | null;

  @Field(() => String, { description: 'The answer on file: YES, NO or NONE.' })
  consent!: ConsentAnswer;

  @Field(() => String)
  summary!: string;

  @Field(() => String)
  ifYouConsent!: string;

  @Field(() => String)
  ifYouRefuse!: string;
}

@ObjectType({ description: "A location recorded for one of the account's posts, or (postId null) its latest." })
export class OwnedIpLocation implements owner.OwnedIpLocation {
  @Field(() => ID, { nullable: true })
  postId!: string | null;

  @Field(() => String)
  label!: string;

  @Field(() => String, { nullable: true })
  countryCode!: string | null;

  @Field(() => String, { nullable: true })
  regionCode!: string | null;

  @Field(() => DateTimeResolver)
  recordedAt!: Date;
}

@ObjectType({ description: "One entry of the account's audit history." })
export class HistoryEntry implements owner.HistoryEntry {
  @Field(() => DateTimeResolver)
  at!: Date;

  @Field(() => String, { description: 'NOTIFIED, CONSENTED, REFUSED, WITHDRAWN, DISCLOSED, DROPPED_OUT...' })
  event!: owner.HistoryEntry['event'];

  @Field(() => DisclosureStatusEnum)
  oldStatus!: DisclosureStatus;

  @Field(() => DisclosureStatusEnum)
  newStatus!: DisclosureStatus;

  @Field(() => String, { nullable: true, description: 'The stage it happened under.' })
  stage!: string | null;
}

@ObjectType({ description: 'A credential held for the account, in force or expired.' })
export class OwnedQualification extends Qualification implements owner.OwnedQualification {
  @Field(() => Boolean, { description: 'Shown on the profile now, and counting for mayPublishIn; false once expired.' })
  inForce!: boolean;
}

@ObjectType({ description: "The account's MCN agency, as its owner sees it." })
export class OwnedMcnAgency implements owner.OwnedMcnAgency {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  label!: string;

  @Field(() => DateTimeResolver, { description: 'When the account joined it.' })
  since!: Date;
}

@ObjectType({
  description: "One change of the account's credentials or MCN agency: the credential or agency as it then stood.",
})
export class LabelHistoryEntry implements owner.LabelChangeEntry {
  @Field(() => DateTimeResolver)
  at!: Date;

  @Field(() => LabelChangeEventEnum)
  event!: LabelChangeEvent;

  @Field(() => ProfessionalFieldEnum, { nullable: true })
  field!: ProfessionalField | null;

  @Field(() => String, { nullable: true })
  title!: string | null;

  @Field(() => String, { nullable: true })
  issuer!: string | null;

  @Field(() => DateTimeResolver, { nullable: true })
  verifiedAt!: Date | null;

  @Field(() => DateTimeResolver, { nullable: true })
  expiresAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'The MCN agency joined or left.' })
  agency!: string | null;
}

@ObjectType({
  description: "What this service holds about the signed-in viewer's own account, for its owner alone (PIPL Art. 45).",
})
export class MyIdentityData implements owner.OwnerData {
  @Field(() => ID)
  userId!: string;

  @Field(() => String, {
    nullable: true,
    description: 'The verified real name on file, shown to its owner whether or not it is disclosed.',
  })
  realName!: string | null;

  @Field(() => String, { nullable: true, description: 'VERIFIED, UNVERIFIED or REVOKED; null when nothing is held.' })
  verification!: Verification | null;

  @Field(() => IdentityLabel, { description: 'The label as another signed-in, verified viewer sees it.' })
  identityLabel!: Label;

  @Field(() => LabelExplanation)
  explanation!: explanation.LabelExplanation;

  @Field(() => [OwnedIpLocation], {
    description: 'The latest location first (postId null), then each post, newest first.',
  })
  ipLocations!: OwnedIpLocation[];

  @Field(() => [HistoryEntry], { description: 'Oldest first.' })
  history!: HistoryEntry[];

  @Field(() => [OwnedQualification], {
    description: 'Every credential held: those in force first, as the profile lists them, then the expired ones.',
  })
  qualifications!: OwnedQualification[];

  @Field(() => OwnedMcnAgency, { nullable: true })
  mcnAgency!: OwnedMcnAgency | null;

  @Field(() => [LabelHistoryEntry], { description: "The credentials' and MCN agencies' changes, oldest first." })
  labelHistory!: LabelHistoryEntry[];
}
