import { DateTimeResolver } from 'graphql-scalars';
import { Field, ObjectType } from 'type-graphql';
import type { DisclosureStatus, SubjectKind } from '../../policy/types';
import { DisclosureStatusEnum, SubjectKindEnum } from './enums';
import { PolicyStageType } from './policy-stage';

@ObjectType({ description: "An account's real-name disclosure label, as this viewer may see it." })
export class IdentityLabel {
  @Field(() => DisclosureStatusEnum)
  status!: DisclosureStatus;

  @Field(() => String, {
    nullable: true,
    description: 'The disclosed real name, behind the same gate as verifiedRealName.',
  })
  realName!: string | null;

  @Field(() => SubjectKindEnum, { nullable: true, description: 'Individual or organization, when known.' })
  subjectKind!: SubjectKind | null;

  @Field(() => PolicyStageType, { nullable: true, description: 'The stage that makes the account subject, if any.' })
  stage!: PolicyStageType | null;

  @Field(() => DateTimeResolver, { nullable: true })
  noticeDeadline!: Date | null;

  @Field(() => DateTimeResolver, { nullable: true })
  disclosedSince!: Date | null;

  @Field({ description: 'For ranking and monetization services: the account refused or missed its deadline.' })
  restricted!: boolean;
}
