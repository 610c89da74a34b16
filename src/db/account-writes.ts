// Every write to an account goes through here, inside the caller's transaction: the rows are locked, the
// new state is stored, and what it means for disclosure is appended to the audit log in the same commit.
import { In, type EntityManager } from 'typeorm';
import { disclosureChanges } from '../policy/changes';
import type { PolicyRules, Stage } from '../policy/types';
import { Account } from './entities/account';
import { AuditEntry } from './entities/audit-entry';

export interface AccountChange {
  before: Account | undefined;
  after: Account;
  /** What made the change, for the audit log: "import accounts.csv:12", "command notify". */
  cause: string;
}

const ACCOUNT_COLUMNS = [
  'real_name',
  'subject_kind',
  'verification',
  'follower_count',
  'category',
  'notified_at',
  'consent',
  'consent_at',
];

function supportsRowLocks(manager: EntityManager): boolean {
  const type = manager.connection.options.type;
  return type === 'mysql' || type === 'mariadb';
}

/** Reads the accounts and locks them until the transaction ends (SQLite serializes writers by itself). */
export async function lockAccounts(manager: EntityManager, userIds: readonly string[]): Promise<Map<string, Account>> {
  if (userIds.length === 0) return new Map();
  const query = manager
    .getRepository(Account)
    .createQueryBuilder('account')
    .where({ userId: In([...userIds].sort()) }); // one lock order for everyone: no deadlocks between batches
  if (supportsRowLocks(manager)) query.setLock('pessimistic_write');
  const accounts = await query.getMany();
  return new Map(accounts.map((account) => [account.userId, account]));
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
  await manager
    .createQueryBuilder()
    .insert()
    .into(Account)
    .values(changes.map((change) => change.after))
    .orUpdate(ACCOUNT_COLUMNS, ['user_id'])
    .updateEntity(false)
    .execute();

  const entries = changes.flatMap(({ before, after, cause }) =>
    disclosureChanges(before, after, stages, now, rules).map((change) =>
      Object.assign(new AuditEntry(), { userId: after.userId, at: now, cause: cause.slice(0, 255), ...change }),
    ),
  );
  if (entries.length > 0) {
    await manager.createQueryBuilder().insert().into(AuditEntry).values(entries).updateEntity(false).execute();
  }
}
