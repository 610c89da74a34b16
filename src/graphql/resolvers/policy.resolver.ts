import { Ctx, Query, Resolver } from 'type-graphql';
import type * as policy from '../../policy/types';
import type { RequestContext } from '../context';
import { PolicyStage } from '../types/policy-stage';

@Resolver()
export class PolicyResolver {
  @Query(() => [PolicyStage], {
    description: 'Every policy stage, by start date: in force, scheduled and retired (retiredAt says from when).',
  })
  disclosurePolicy(@Ctx() context: RequestContext): readonly policy.PolicyStage[] {
    return context.services.stages.current();
  }
}
