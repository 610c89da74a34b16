// What a policy change would do, worked out before it is made: the preview of `policy add` and `policy retire`.
// It asks the checks the change itself will pass (policy-stage-admin.ts), then reads every account the change
// could touch, without locks, and adds up what it would do to them. It changes nothing.
import type { DataSource } from 'typeorm';
import { accountsWithFollowers } from '../db/account-scan';
import { loadPolicyStages } from '../db/policy-stages';
import { addPolicyChangeImpact, noImpact, type PolicyChangeImpact } from '../policy/stage-impact';
import type { StageRules } from '../policy/stage-rules';
import type { PolicyRules, PolicyStage } from '../policy/types';
import { checkNewStage, provisionalStage, retirement, type NewPolicyStage } from './policy-stage-admin';

export interface StageChangePlan {
  /** The stage as the change leaves it: the new one (with an id no stored stage has), or the retired one. */
  stage: PolicyStage;
  /** When the change takes effect (not before now). */
  at: Date;
  impact: PolicyChangeImpact;
}

interface StagesChange {
  before: readonly PolicyStage[];
  after: readonly PolicyStage[];
  /** The stage added or retired. */
  stageId: number;
  at: Date;
}

/** `minFollowers`: no account below it can be touched by the change, so none below it is read. */
async function impactOf(
  dataSource: DataSource,
  change: StagesChange,
  minFollowers: number,
  rules: PolicyRules,
): Promise<PolicyChangeImpact> {
  const impact = noImpact();
  for await (const accounts of accountsWithFollowers(dataSource, minFollowers)) {
    addPolicyChangeImpact(impact, accounts, change, rules);
  }
  return impact;
}

/** Adding `stage`: refused as `addStage` would refuse it, else what it would do once in force. */
export async function planAddition(
  dataSource: DataSource,
  stage: NewPolicyStage,
  rules: StageRules & PolicyRules,
  now: Date,
): Promise<StageChangePlan> {
  const stages = await loadPolicyStages(dataSource);
  const nameTaken = stages.some((other) => other.name === stage.name);
  checkNewStage(stage, nameTaken, now, rules);
  const added = provisionalStage(stage, stages);
  const at = new Date(Math.max(now.getTime(), stage.effectiveFrom.getTime()));
  const change = { before: stages, after: [...stages, added], stageId: added.id, at };
  return { stage: added, at, impact: await impactOf(dataSource, change, stage.minFollowers, rules) };
}

/** Retiring the stage `name` from `at`: refused as `retireStage` would refuse it, else what it would do. */
export async function planRetirement(
  dataSource: DataSource,
  name: string,
  at: Date,
  rules: PolicyRules,
  now: Date,
): Promise<StageChangePlan> {
  const stages = await loadPolicyStages(dataSource);
  const named = stages.find((stage) => stage.name === name);
  const retired = retirement(named, name, at, now);
  const after = stages.map((other) => (other.id === retired.id ? retired : other));
  const change = { before: stages, after, stageId: retired.id, at };
  // An account the stage governs stays subject down to the hysteresis ratio of its threshold.
  const minFollowers = retired.minFollowers * rules.hysteresisRatio;
  return { stage: retired, at, impact: await impactOf(dataSource, change, minFollowers, rules) };
}
