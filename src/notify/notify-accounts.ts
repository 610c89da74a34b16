// Tells accounts that became subject under a stage (notified-at, the stage, an outbox NOTICE), and withdraws
// the notice from accounts that fell out of scope (a retired stage, followers gone). Safe to run from several
// processes at once, and beside imports and consents: every account is re-read under a row lock before it is
// changed (a second run finds it already done and leaves it), and a chunk that collides with another writer
// is tried again (db/write-transaction.ts).
import { IsNull, MoreThan, MoreThanOrEqual, Not, type DataSource, type EntityManager } from 'typeorm';
import { lockAccounts, saveAccountChanges, type AccountChange } from '../db/account-writes';
import { inWriteTransaction } from '../db/write-transaction';
import { AccountsTable, NotificationOutboxTable, type OutboxNotification } from '../db/tables';
import { governingStage, noticeDeadline, stageIsInForce } from '../policy/disclosure';
import { letGo, toldAbout } from '../policy/notice';
import type { AccountFacts, PolicyRules, PolicyStage } from '../policy/types';

export interface NotifyResult {
  /** Notices sent: to accounts newly subject, and to accounts now governed by another stage. */
  notified: number;
  withdrawn: number;
  /** Accounts read and decided, changed or not. */
  checked: number;
}

export interface NotifyOptions {
  stages: readonly PolicyStage[];
  rules: PolicyRules;
  now: Date;
  cause: string;
  chunkSize?: number;
  /** Called after every chunk with the running totals (a large run takes a while). */
  onProgress?: (result: NotifyResult) => void;
  /** Called once a chunk has committed, with the accounts it changed (readers' caches forget them). */
  onCommitted?: (userIds: readonly string[]) => void;
}

/** Walks the matching accounts in user-id order, a chunk at a time, without holding locks while reading. */
async function* userIdChunks(
  dataSource: DataSource,
  where: (after: string) => object,
  chunkSize: number,
): AsyncGenerator<string[]> {
  let after = '';
  for (;;) {
    const rows = await dataSource.getRepository(AccountsTable).find({
      select: { userId: true },
      where: where(after),
      order: { userId: 'ASC' },
      take: chunkSize,
    });
    const last = rows.at(-1);
    if (last === undefined) return;
    yield rows.map((row) => row.userId);
    after = last.userId;
  }
}

/** The outbox entry that tells the account about `stage`, or withdraws its notice (null). */
export function notice(userId: string, stage: PolicyStage | null, now: Date): Omit<OutboxNotification, 'id'> {
  return {
    userId,
    kind: stage === null ? 'NOTICE_WITHDRAWN' : 'NOTICE',
    stageName: stage?.name ?? null,
    noticeDeadline: stage === null ? null : noticeDeadline(now, stage),
    createdAt: now,
    deliveredAt: null,
    status: null,
    restricted: null,
  };
}

/** Writes the notices in the caller's transaction (the transactional outbox: with the change they announce). */
export async function writeNotices(manager: EntityManager, notices: Omit<OutboxNotification, 'id'>[]): Promise<void> {
  if (notices.length === 0) return;
  await manager
    .createQueryBuilder()
    .insert()
    .into(NotificationOutboxTable)
    .values(notices)
    .updateEntity(false)
    .execute();
}

/**
 * What notify does to one account now, decided afresh: tell it about the stage that governs it (it was not
 * told, or was told under another stage), withdraw its notice (no stage governs it any more), or nothing.
 */
export function noticeDecision(
  account: AccountFacts,
  options: Pick<NotifyOptions, 'stages' | 'now' | 'rules'>,
): { after: AccountFacts; stage: PolicyStage | null } | null {
  const stage = governingStage(account, options.stages, options.now, options.rules);
  if (account.notifiedAt === null)
    return stage === null ? null : { after: toldAbout(account, stage, options.now), stage };
  if (stage === null) return { after: letGo(account), stage: null };
  if (stage.id === account.notifiedStageId) return null;
  return { after: toldAbout(account, stage, options.now), stage };
}

/** Locks one chunk, decides each account afresh under the lock, and stores changes, audit and outbox. */
async function processChunk(
  dataSource: DataSource,
  userIds: string[],
  options: NotifyOptions,
  decide: (account: AccountFacts) => { after: AccountFacts; stage: PolicyStage | null } | null,
): Promise<NotifyResult> {
  const { result, changedIds } = await inWriteTransaction(dataSource, async (manager: EntityManager) => {
    const changes: AccountChange[] = [];
    const notices: Omit<OutboxNotification, 'id'>[] = [];
    for (const before of (await lockAccounts(manager, userIds)).values()) {
      const decision = decide(before);
      if (decision === null) continue;
      changes.push({ before, after: decision.after, cause: options.cause });
      notices.push(notice(before.userId, decision.stage, options.now));
    }
    await saveAccountChanges(manager, changes, options.stages, options.now, options.rules);
    await writeNotices(manager, notices);
    const withdrawn = notices.filter((sent) => sent.kind === 'NOTICE_WITHDRAWN').length;
    return {
      result: { notified: notices.length - withdrawn, withdrawn, checked: userIds.length },
      changedIds: changes.map((change) => change.after.userId),
    };
  });
  if (changedIds.length > 0) options.onCommitted?.(changedIds);
  return result;
}

export async function notifyAccounts(dataSource: DataSource, options: NotifyOptions): Promise<NotifyResult> {
  const chunkSize = options.chunkSize ?? 500;
  const result: NotifyResult = { notified: 0, withdrawn: 0, checked: 0 };
  const add = (chunk: NotifyResult) => {
    result.notified += chunk.notified;
    result.withdrawn += chunk.withdrawn;
    result.checked += chunk.checked;
    options.onProgress?.(result);
  };
  // Accounts never notified that a stage in force now covers.
  const inForce = options.stages.filter((stage) => stageIsInForce(stage, options.now));
  if (inForce.length > 0) {
    const lowestMinimum = Math.min(...inForce.map((stage) => stage.minFollowers));
    const candidates = (after: string) => ({
      notifiedAt: IsNull(),
      followerCount: MoreThanOrEqual(lowestMinimum),
      userId: MoreThan(after),
    });
    for await (const userIds of userIdChunks(dataSource, candidates, chunkSize)) {
      add(
        await processChunk(
          dataSource,
          userIds,
          options,
          (account) => (account.notifiedAt !== null ? null : noticeDecision(account, options)), // another run got here first
        ),
      );
    }
  }

  // Accounts already notified: out of scope now (withdraw), or governed by another stage (tell them).
  const notified = (after: string) => ({ notifiedAt: Not(IsNull()), userId: MoreThan(after) });
  for await (const userIds of userIdChunks(dataSource, notified, chunkSize)) {
    add(
      await processChunk(dataSource, userIds, options, (account) =>
        account.notifiedAt === null ? null : noticeDecision(account, options),
      ),
    );
  }
  return result;
}
