import { Ctx, Query, Resolver } from 'type-graphql';
import type { Stage } from '../../policy/types';
import type { RequestContext } from '../context';
import { PolicyStageType } from '../types/policy-stage';

@Resolver()
export class PolicyResolver {
  @Query(() => [PolicyStageType], { description: 'The policy stages, in force or scheduled, by start date.' })
  disclosurePolicy(@Ctx() context: RequestContext): readonly Stage[] {
    return context.stages();
  }
}
