import { DateTimeResolver } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { DisclosureMode } from '../../policy/types';
import { DisclosureModeEnum } from './enums';

@ObjectType('PolicyStage', { description: 'A stage of the regulation: who must disclose from when.' })
export class PolicyStageType {
  @Field(() => ID)
  id!: number;

  @Field()
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
  mode!: DisclosureMode;
}
