import { Ctx, Query, Resolver } from 'type-graphql';
import type * as policy from '../../policy/types';
import type { RequestContext } from '../context';
import { PolicyStage } from '../types/policy-stage';

@Resolver()
export class PolicyResolver {
  @Query(() => [PolicyStage], { description: 'The policy stages, in force or scheduled, by start date.' })
  disclosurePolicy(@Ctx() context: RequestContext): readonly policy.PolicyStage[] {
    return context.services.stages.current();
  }
}
