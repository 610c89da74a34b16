// Every change of an account's facts goes through here, inside the caller's transaction
// (db/write-transaction.ts): the rows are locked, the new state is stored, and what it means for disclosure is
// appended to the audit log in the same commit, and a label it moved to the outbox (LABEL_CHANGED, relayed
// as identity.label.changed). (Re-sealing a name under another key changes no fact: the
// key rotation writes that through db/account-rows.ts, the one module of the real-name columns.)
import type { EntityManager } from 'typeorm';
import { errorCodeOf } from '../errors';
import { auditEvents } from '../policy/audit-events';
import { labelChange, type LabelChange } from '../policy/label-change';
import type { AccountFacts, PolicyRules, PolicyStage } from '../policy/types';
import { WriteConflict } from './database-errors';
import {
  datetimeParameter,
  insertAccounts,
  placeholders,
  selectAccounts,
  selectAccountsWithTimes,
  updateAccounts,
  upsertAccounts,
  type FactTimes,
} from './account-rows';
import { isMysql } from './dialect';

export interface AccountChange {
  before: AccountFacts | undefined;
  after: AccountFacts;
  /** What made the change, for the audit log: "import accounts.csv:12", "command notify". */
  cause: string;
  /** When the platform observed the facts (an event's observedAt), stored with them; the events alone give it. */
  observed?: FactTimes;
}

/**
 * Reads the accounts and locks those that exist until the transaction ends (SQLite serializes writers by
 * itself). Ids with no row take no lock (READ COMMITTED): saveAccountChanges inserts them, and fails with a
 * WriteConflict when another writer got there first.
 */
export async function lockAccounts(
  manager: EntityManager,
  userIds: readonly string[],
): Promise<Map<string, AccountFacts>> {
  if (userIds.length === 0) return new Map();
  const sorted = [...userIds].sort(); // one lock order for everyone: no deadlocks between batches
  const rows = await selectAccounts(manager, sorted, isMysql(manager.connection.options) ? ' FOR UPDATE' : '');
  return new Map(rows.map((account) => [account.userId, account]));
}

/** As lockAccounts, with the times the accounts' facts were observed at (the events' out-of-order check). */
export async function lockAccountsWithTimes(
  manager: EntityManager,
  userIds: readonly string[],
): Promise<Map<string, { account: AccountFacts; times: FactTimes }>> {
  if (userIds.length === 0) return new Map();
  const sorted = [...userIds].sort();
  const rows = await selectAccountsWithTimes(manager, sorted, isMysql(manager.connection.options) ? ' FOR UPDATE' : '');
  return new Map(rows.map((row) => [row.account.userId, row]));
}

/** An account this service has not seen yet: nothing known, nothing answered. */
export function newAccount(userId: string): AccountFacts {
  return {
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
  };
}

export function sameAccount(a: AccountFacts, b: AccountFacts): boolean {
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

/** User-id order: the one order every writer locks and writes rows in. */
function byUserId(a: Pick<AccountFacts, 'userId'>, b: Pick<AccountFacts, 'userId'>): number {
  return a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0;
}

/**
 * Stores the changed accounts, in user-id order (the order every writer locks rows in): the new ones in one
 * multi-row insert, the others (locked by lockAccounts) in one multi-row upsert of the columns that changed;
 * then their audit entries and the outbox entries of the labels they moved. A change may move nothing but its
 * fact times (an event that observed the same count anew).
 */
export async function saveAccountChanges(
  manager: EntityManager,
  changes: readonly AccountChange[],
  stages: readonly PolicyStage[],
  now: Date,
  rules: PolicyRules,
): Promise<void> {
  if (changes.length === 0) return;
  const sorted = [...changes].sort((a, b) => byUserId(a.after, b.after));
  const inserted = sorted.filter((change) => change.before === undefined);
  const observed = new Map(inserted.flatMap(({ after, observed }) => (observed ? [[after.userId, observed]] : [])));
  try {
    await insertAccounts(
      manager,
      inserted.map((change) => change.after),
      observed,
    );
  } catch (error) {
    if (errorCodeOf(error) === 'ER_DUP_ENTRY') throw new WriteConflict('an account was inserted concurrently');
    throw error;
  }
  await updateAccounts(
    manager,
    sorted.flatMap(({ before, after, observed }) => (before === undefined ? [] : [{ before, after, observed }])),
  );

  // Nothing to audit or announce of an account whose facts stand as they were.
  const moved = ({ before, after }: AccountChange) => before === undefined || !sameAccount(before, after);
  await appendAudit(manager, changes.filter(moved), stages, now, rules);
  await appendLabelChanges(manager, sorted.filter(moved), stages, now, rules);
}

async function appendAudit(
  manager: EntityManager,
  changes: readonly AccountChange[],
  stages: readonly PolicyStage[],
  now: Date,
  rules: PolicyRules,
): Promise<void> {
  const entries = changes.flatMap(({ before, after, cause }) =>
    auditEvents(before, after, stages, now, rules).map((audited) => [
      after.userId,
      datetimeParameter(now),
      audited.event,
      audited.oldStatus,
      audited.newStatus,
      audited.stageName,
      cause.slice(0, 255),
    ]),
  );
  if (entries.length === 0) return;
  const row = `(${placeholders(7)})`;
  await manager.query(
    `INSERT INTO audit_log (user_id, at, event, old_status, new_status, stage_name, cause) VALUES ${new Array<string>(entries.length).fill(row).join(', ')}`,
    entries.flat(),
  );
}

/** The outbox entries of the labels these changes moved, in the same commit (the transactional outbox). */
function appendLabelChanges(
  manager: EntityManager,
  changes: readonly AccountChange[],
  stages: readonly PolicyStage[],
  now: Date,
  rules: PolicyRules,
): Promise<void> {
  const moved = changes.flatMap(({ before, after }) => {
    const change = labelChange(before, after, stages, now, rules);
    return change === null ? [] : [{ userId: after.userId, change }];
  });
  return appendLabelChangeEntries(manager, moved, now);
}

/**
 * Appends LABEL_CHANGED outbox entries (relayed as identity.label.changed) in the caller's transaction: those of
 * a write, and those of a notice deadline that passed with none (notify/announce-deadlines.ts).
 */
export async function appendLabelChangeEntries(
  manager: EntityManager,
  moved: readonly { userId: string; change: LabelChange }[],
  now: Date,
): Promise<void> {
  if (moved.length === 0) return;
  const at = datetimeParameter(now);
  const row = `(${placeholders(7)})`;
  await manager.query(
    'INSERT INTO notification_outbox (user_id, kind, stage_name, notice_deadline, created_at, status, restricted) ' +
      `VALUES ${new Array<string>(moved.length).fill(row).join(', ')}`,
    moved.flatMap(({ userId, change }) => [
      userId,
      'LABEL_CHANGED',
      change.stageName,
      datetimeParameter(change.noticeDeadline),
      at,
      change.status,
      change.restricted ? 1 : 0,
    ]),
  );
}

/**
 * Stores accounts as given, with no change to audit: the embedded demo's people arrive with an invented
 * past (notified days ago, consented months ago) that has no history of its own.
 */
export async function storeSeededAccounts(manager: EntityManager, accounts: readonly AccountFacts[]): Promise<void> {
  await upsertAccounts(manager, [...accounts].sort(byUserId));
}
