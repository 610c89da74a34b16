import { DateTimeResolver } from 'graphql-scalars';
import { Field, ObjectType } from 'type-graphql';
import type * as policy from '../../policy/label';
import type { DisclosureReason, DisclosureStatus, SubjectKind } from '../../policy/types';
import { DisclosureReasonEnum, DisclosureStatusEnum, SubjectKindEnum } from './enums';
import { PolicyStage } from './policy-stage';

/** Served as the policy decides it (src/policy/label.ts): the resolvers hand over the policy's own object. */
@ObjectType({ description: "An account's real-name disclosure label, as this viewer may see it." })
export class IdentityLabel implements policy.IdentityLabel {
  @Field(() => DisclosureStatusEnum)
  status!: DisclosureStatus;

  @Field(() => String, {
    nullable: true,
    description: 'The disclosed real name, behind the same gate as verifiedRealName.',
  })
  realName!: string | null;

  @Field(() => SubjectKindEnum, { nullable: true, description: 'Individual or organization, when known.' })
  subjectKind!: SubjectKind | null;

  @Field(() => PolicyStage, { nullable: true, description: 'The stage that makes the account subject, if any.' })
  stage!: PolicyStage | null;

  @Field(() => DateTimeResolver, { nullable: true })
  noticeDeadline!: Date | null;

  @Field(() => DateTimeResolver, { nullable: true })
  disclosedSince!: Date | null;

  @Field(() => DisclosureReasonEnum, {
    nullable: true,
    description:
      'Why the name is shown; null unless DISCLOSED. MANDATORY_DEADLINE means a withdrawal of consent does not hide it.',
  })
  disclosedBecause!: DisclosureReason | null;

  @Field(() => Boolean, {
    description: 'For ranking and monetization services: the account refused or missed its deadline.',
  })
  restricted!: boolean;
}
