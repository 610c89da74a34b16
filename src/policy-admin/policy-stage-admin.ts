// Adding, retiring and removing policy stages, each recorded in policy_changes in the same transaction. A
// stage that has been in force is history: it is never removed, only retired (from then on it governs nobody).
import type { DataSource, EntityManager } from 'typeorm';
import { stageWasEverInForce } from '../policy/disclosure';
import { stageProblems, type StageRules } from '../policy/stage-rules';
import type { PolicyStage } from '../policy/types';
import { isMysql } from '../db/dialect';
import { PolicyChangesTable, PolicyStagesTable, type PolicyChangeAction } from '../db/tables';
import { ExpectedFailure } from '../errors';

/** A change the policy refuses (POLICY_REJECTED), or a new stage that breaks the rules (STAGE_INVALID). */
export class PolicyAdminError extends ExpectedFailure {
  override name = 'PolicyAdminError';
  constructor(message: string, code: 'POLICY_REJECTED' | 'STAGE_INVALID' = 'POLICY_REJECTED') {
    super(code, message);
  }
}

export type NewPolicyStage = Omit<PolicyStage, 'id' | 'retiredAt'>;

/** When the change is made and why (the cause goes into policy_changes). */
export interface PolicyChangeContext {
  now: Date;
  cause: string;
}

async function recordChange(
  manager: EntityManager,
  action: PolicyChangeAction,
  stage: PolicyStage,
  context: PolicyChangeContext,
): Promise<void> {
  await manager
    .getRepository(PolicyChangesTable)
    .insert({ at: context.now, action, stageName: stage.name, stage, cause: context.cause.slice(0, 255) });
}

async function findStage(manager: EntityManager, name: string): Promise<PolicyStage> {
  const stage = await manager.getRepository(PolicyStagesTable).findOne({ where: { name }, lock: lockFor(manager) });
  if (stage === null) throw new PolicyAdminError(`there is no stage named "${name}"`);
  return stage;
}

/** SQLite serializes writers by itself and has no FOR UPDATE. */
function lockFor(manager: EntityManager): { mode: 'pessimistic_write' } | undefined {
  return isMysql(manager.connection.options) ? { mode: 'pessimistic_write' } : undefined;
}

/** The stage as it would be stored, with an id no stored stage has: for previews of its impact. */
export function provisionalStage(stage: NewPolicyStage, existing: readonly PolicyStage[]): PolicyStage {
  return { ...stage, id: Math.max(0, ...existing.map((other) => other.id)) + 1, retiredAt: null };
}

/** Checks the stage against the rules (StageRules), then stores it and records the change. */
export async function addStage(
  dataSource: DataSource,
  stage: NewPolicyStage,
  rules: StageRules,
  context: PolicyChangeContext,
): Promise<PolicyStage> {
  const problems = stageProblems({ ...stage, retiredAt: null }, context.now, rules);
  if (problems.length > 0) throw new PolicyAdminError(problems.join('; '));
  return dataSource.transaction(async (manager) => {
    const repository = manager.getRepository(PolicyStagesTable);
    if (await repository.exists({ where: { name: stage.name } })) {
      throw new PolicyAdminError(`a stage named "${stage.name}" already exists`);
    }
    const stored = await repository.save({ ...stage, retiredAt: null });
    await recordChange(manager, 'ADDED', stored, context);
    return stored;
  });
}

/**
 * Retires a stage from `at` (not before now: what was disclosed was disclosed). From then on it governs
 * nobody; notify withdraws the notices given under it.
 */
export async function retireStage(
  dataSource: DataSource,
  name: string,
  at: Date,
  context: PolicyChangeContext,
): Promise<PolicyStage> {
  if (at.getTime() < context.now.getTime()) {
    throw new PolicyAdminError(`a stage cannot be retired in the past (${at.toISOString()}): what was shown was shown`);
  }
  return dataSource.transaction(async (manager) => {
    const stage = await findStage(manager, name);
    if (stage.retiredAt !== null) {
      throw new PolicyAdminError(`stage "${name}" is already retired from ${stage.retiredAt.toISOString()}`);
    }
    const retired = { ...stage, retiredAt: at };
    await manager.getRepository(PolicyStagesTable).update({ id: stage.id }, { retiredAt: at });
    await recordChange(manager, 'RETIRED', retired, context);
    return retired;
  });
}

/** Removes a stage that has never been in force; one that has is history and can only be retired. */
export async function removeStage(dataSource: DataSource, name: string, context: PolicyChangeContext): Promise<void> {
  await dataSource.transaction(async (manager) => {
    const stage = await findStage(manager, name);
    if (stageWasEverInForce(stage, context.now)) {
      throw new PolicyAdminError(
        `stage "${name}" has been in force since ${stage.effectiveFrom.toISOString()} and stays as history: ` +
          `retire it instead (identity-labels policy retire ${name})`,
      );
    }
    await manager.getRepository(PolicyStagesTable).delete({ id: stage.id });
    await recordChange(manager, 'REMOVED', stage, context);
  });
}

export function policyChanges(dataSource: DataSource) {
  return dataSource.getRepository(PolicyChangesTable).find({ order: { id: 'ASC' } });
}
