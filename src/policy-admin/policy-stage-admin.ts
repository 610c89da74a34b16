// Adding, retiring and removing policy stages, each recorded in policy_changes in the same transaction. A
// stage that has been in force is history: it is never removed, only retired (from then on it governs nobody).
// The checks a change must pass are here, once: the preview (plan-stage-change.ts) asks them too, so that it
// never shows a change that would then be refused.
import type { DataSource, EntityManager } from 'typeorm';
import { stageWasEverInForce } from '../policy/disclosure';
import { stageProblems, type StageRules } from '../policy/stage-rules';
import type { PolicyStage } from '../policy/types';
import { WriteConflict } from '../db/database-errors';
import { isMysql } from '../db/dialect';
import { PolicyChangesTable, PolicyStagesTable, type PolicyChangeAction } from '../db/tables';
import { inWriteTransaction } from '../db/write-transaction';
import { errorForLog, ExpectedFailure } from '../errors';

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
  /** Called once the change is committed, never before: the command then tells the running servers. */
  onCommitted?: () => void;
}

/** Refuses a new stage that breaks the rules (StageRules), or whose name another stage has. */
export function checkNewStage(stage: NewPolicyStage, nameTaken: boolean, now: Date, rules: StageRules): void {
  const problems = stageProblems({ ...stage, retiredAt: null }, now, rules);
  if (problems.length > 0) throw new PolicyAdminError(`policy add: ${problems.join('; ')}`, 'STAGE_INVALID');
  if (nameTaken) throw new PolicyAdminError(`a stage named "${stage.name}" already exists`);
}

function stageNamed(stage: PolicyStage | undefined, name: string): PolicyStage {
  if (stage === undefined) throw new PolicyAdminError(`there is no stage named "${name}"`);
  return stage;
}

/**
 * The stage retired from `at`; refused for a stage that does not exist or is retired already, and for an `at`
 * before now (what was disclosed was disclosed).
 */
export function retirement(stage: PolicyStage | undefined, name: string, at: Date, now: Date): PolicyStage {
  const found = stageNamed(stage, name);
  if (at.getTime() < now.getTime()) {
    throw new PolicyAdminError(`a stage cannot be retired in the past (${at.toISOString()}): what was shown was shown`);
  }
  if (found.retiredAt !== null) {
    throw new PolicyAdminError(`stage "${name}" is already retired from ${found.retiredAt.toISOString()}`);
  }
  return { ...found, retiredAt: at };
}

/** The stage as it would be stored, with an id no stored stage has: for previews of its impact. */
export function provisionalStage(stage: NewPolicyStage, existing: readonly PolicyStage[]): PolicyStage {
  return { ...stage, id: Math.max(0, ...existing.map((other) => other.id)) + 1, retiredAt: null };
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

/** SQLite serializes writers by itself and has no FOR UPDATE. */
function lockFor(manager: EntityManager): { mode: 'pessimistic_write' } | undefined {
  return isMysql(manager.connection.options) ? { mode: 'pessimistic_write' } : undefined;
}

async function lockedStage(manager: EntityManager, name: string): Promise<PolicyStage | undefined> {
  const stage = await manager.getRepository(PolicyStagesTable).findOne({ where: { name }, lock: lockFor(manager) });
  return stage ?? undefined;
}

/** Checks the stage (checkNewStage), then stores it and records the change. */
export async function addStage(
  dataSource: DataSource,
  stage: NewPolicyStage,
  rules: StageRules,
  context: PolicyChangeContext,
): Promise<PolicyStage> {
  const added = await inWriteTransaction(dataSource, async (manager) => {
    const repository = manager.getRepository(PolicyStagesTable);
    checkNewStage(stage, await repository.exists({ where: { name: stage.name } }), context.now, rules);
    const stored = await repository.save({ ...stage, retiredAt: null }).catch((error: unknown) => {
      // Added by another writer since we looked: run again, and the name is taken.
      if (errorForLog(error).code === 'ER_DUP_ENTRY') throw new WriteConflict('a stage was added concurrently');
      throw error;
    });
    await recordChange(manager, 'ADDED', stored, context);
    return stored;
  });
  context.onCommitted?.();
  return added;
}

/** Retires a stage from `at` (see `retirement`). From then on it governs nobody; notify withdraws its notices. */
export async function retireStage(
  dataSource: DataSource,
  name: string,
  at: Date,
  context: PolicyChangeContext,
): Promise<PolicyStage> {
  const retired = await inWriteTransaction(dataSource, async (manager) => {
    const stage = retirement(await lockedStage(manager, name), name, at, context.now);
    await manager.getRepository(PolicyStagesTable).update({ id: stage.id }, { retiredAt: at });
    await recordChange(manager, 'RETIRED', stage, context);
    return stage;
  });
  context.onCommitted?.();
  return retired;
}

/** Removes a stage that has never been in force; one that has is history and can only be retired. */
export async function removeStage(dataSource: DataSource, name: string, context: PolicyChangeContext): Promise<void> {
  await inWriteTransaction(dataSource, async (manager) => {
    const stage = stageNamed(await lockedStage(manager, name), name);
    if (stageWasEverInForce(stage, context.now)) {
      throw new PolicyAdminError(
        `stage "${name}" has been in force since ${stage.effectiveFrom.toISOString()} and stays as history: ` +
          `retire it instead (identity-labels policy retire ${name})`,
      );
    }
    await manager.getRepository(PolicyStagesTable).delete({ id: stage.id });
    await recordChange(manager, 'REMOVED', stage, context);
  });
  context.onCommitted?.();
}

export function policyChanges(dataSource: DataSource) {
  return dataSource.getRepository(PolicyChangesTable).find({ order: { id: 'ASC' } });
}
