import { DateTimeResolver } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import type * as policy from '../../policy/types';
import { DisclosureModeEnum } from './enums';

@ObjectType({ description: 'A stage of the regulation: who must disclose from when.' })
export class PolicyStage implements policy.PolicyStage {
  @Field(() => ID)
  id!: number;

  @Field(() => String)
  name!: string;

  @Field(() => Int)
  minFollowers!: number;

  @Field(() => [String], { nullable: true, description: 'The content categories it covers; null for all.' })
  categories!: string[] | null;

  @Field(() => DateTimeResolver)
  effectiveFrom!: Date;

  @Field(() => Int)
  noticeDays!: number;

  @Field(() => DisclosureModeEnum)
  mode!: policy.DisclosureMode;

  @Field(() => DateTimeResolver, {
    nullable: true,
    description: 'From this time on the stage governs nobody (it was retired); null while it is not retired.',
  })
  retiredAt!: Date | null;
}
