// Every write to an account goes through here, inside the caller's transaction: the rows are locked, the
// new state is stored, and what it means for disclosure is appended to the audit log in the same commit.
import type { EntityManager } from 'typeorm';
import { disclosureChanges } from '../policy/changes';
import type { PolicyRules, Stage } from '../policy/types';
import { accountFromRow, datetimeParameter, placeholders, SELECT_ACCOUNTS, upsertAccounts } from './account-rows';
import { Account } from './entities/account';

export interface AccountChange {
  before: Account | undefined;
  after: Account;
  /** What made the change, for the audit log: "import accounts.csv:12", "command notify". */
  cause: string;
}

function supportsRowLocks(manager: EntityManager): boolean {
  const type = manager.connection.options.type;
  return type === 'mysql' || type === 'mariadb';
}

/** Reads the accounts and locks them until the transaction ends (SQLite serializes writers by itself). */
export async function lockAccounts(manager: EntityManager, userIds: readonly string[]): Promise<Map<string, Account>> {
  if (userIds.length === 0) return new Map();
  const sorted = [...userIds].sort(); // one lock order for everyone: no deadlocks between batches
  const lock = supportsRowLocks(manager) ? ' FOR UPDATE' : '';
  const rows: Record<string, unknown>[] = await manager.query(
    `${SELECT_ACCOUNTS} WHERE user_id IN (${placeholders(sorted.length)})${lock}`,
    sorted,
  );
  return new Map(rows.map((row) => [row.user_id as string, accountFromRow(row)]));
}

export function newAccount(userId: string): Account {
  return Object.assign(new Account(), {
    userId,
    realName: null,
    subjectKind: null,
    verification: 'UNVERIFIED',
    followerCount: 0,
    category: null,
    notifiedAt: null,
    notifiedStageId: null,
    consent: 'NONE',
    consentAt: null,
  } satisfies Account);
}

export function sameAccount(a: Account, b: Account): boolean {
  return (
    a.realName === b.realName &&
    a.subjectKind === b.subjectKind &&
    a.verification === b.verification &&
    a.followerCount === b.followerCount &&
    a.category === b.category &&
    a.notifiedAt?.getTime() === b.notifiedAt?.getTime() &&
    a.notifiedStageId === b.notifiedStageId &&
    a.consent === b.consent &&
    a.consentAt?.getTime() === b.consentAt?.getTime()
  );
}

/** Stores the changed accounts (one multi-row upsert) and their audit entries (one multi-row insert). */
export async function saveAccountChanges(
  manager: EntityManager,
  changes: readonly AccountChange[],
  stages: readonly Stage[],
  now: Date,
  rules: PolicyRules,
): Promise<void> {
  if (changes.length === 0) return;
  await upsertAccounts(
    manager,
    changes.map((change) => change.after),
  );

  const entries = changes.flatMap(({ before, after, cause }) =>
    disclosureChanges(before, after, stages, now, rules).map((change) => [
      after.userId,
      datetimeParameter(now),
      change.event,
      change.oldStatus,
      change.newStatus,
      cause.slice(0, 255),
    ]),
  );
  if (entries.length === 0) return;
  const row = `(${placeholders(6)})`;
  await manager.query(
    `INSERT INTO audit_log (user_id, at, event, old_status, new_status, cause) VALUES ${new Array<string>(entries.length).fill(row).join(', ')}`,
    entries.flat(),
  );
}
