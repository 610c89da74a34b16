// Tells accounts that became subject (notified-at + an outbox NOTICE), and withdraws the notice from accounts
// that fell out of scope. Safe to run from several processes at once: every account is re-read under a row
// lock before it is changed, so a second run finds it already notified and leaves it alone.
import { IsNull, MoreThan, MoreThanOrEqual, Not, type DataSource, type EntityManager } from 'typeorm';
import { lockAccounts, saveAccountChanges, type AccountChange } from '../db/account-writes';
import { Account } from '../db/entities/account';
import { OutboxNotification } from '../db/entities/outbox-notification';
import { governingStage, noticeDeadline, stageIsInForce } from '../policy/disclosure';
import type { PolicyRules, Stage } from '../policy/types';

export interface NotifyResult {
  notified: number;
  withdrawn: number;
}

export interface NotifyOptions {
  stages: readonly Stage[];
  rules: PolicyRules;
  now: Date;
  cause: string;
  chunkSize?: number;
}

/** Walks the matching accounts in user-id order, a chunk at a time, without holding locks while reading. */
async function* userIdChunks(
  dataSource: DataSource,
  where: (after: string) => object,
  chunkSize: number,
): AsyncGenerator<string[]> {
  let after = '';
  for (;;) {
    const rows = await dataSource.getRepository(Account).find({
      select: { userId: true },
      where: where(after),
      order: { userId: 'ASC' },
      take: chunkSize,
    });
    if (rows.length === 0) return;
    yield rows.map((row) => row.userId);
    after = rows[rows.length - 1].userId;
  }
}

function outbox(manager: EntityManager, notifications: Partial<OutboxNotification>[]): Promise<unknown> {
  if (notifications.length === 0) return Promise.resolve();
  return manager
    .createQueryBuilder()
    .insert()
    .into(OutboxNotification)
    .values(notifications)
    .updateEntity(false)
    .execute();
}

async function notifyNewlySubject(dataSource: DataSource, options: NotifyOptions, chunkSize: number): Promise<number> {
  const inForce = options.stages.filter((stage) => stageIsInForce(stage, options.now));
  if (inForce.length === 0) return 0;
  const lowestMinimum = Math.min(...inForce.map((stage) => stage.minFollowers));
  let notified = 0;
  const candidates = (after: string) => ({
    notifiedAt: IsNull(),
    followerCount: MoreThanOrEqual(lowestMinimum),
    userId: MoreThan(after),
  });
  for await (const userIds of userIdChunks(dataSource, candidates, chunkSize)) {
    notified += await dataSource.transaction(async (manager) => {
      const changes: AccountChange[] = [];
      const notices: Partial<OutboxNotification>[] = [];
      for (const before of (await lockAccounts(manager, userIds)).values()) {
        if (before.notifiedAt !== null) continue; // another run got here first
        const stage = governingStage(before, options.stages, options.now, options.rules);
        if (stage === null) continue;
        changes.push({
          before,
          after: Object.assign(new Account(), before, { notifiedAt: options.now }),
          cause: options.cause,
        });
        notices.push({
          userId: before.userId,
          kind: 'NOTICE',
          stageName: stage.name,
          noticeDeadline: noticeDeadline(options.now, stage),
          createdAt: options.now,
          deliveredAt: null,
        });
      }
      await saveAccountChanges(manager, changes, options.stages, options.now, options.rules);
      await outbox(manager, notices);
      return changes.length;
    });
  }
  return notified;
}

async function withdrawOutOfScope(dataSource: DataSource, options: NotifyOptions, chunkSize: number): Promise<number> {
  let withdrawn = 0;
  const notifiedAccounts = (after: string) => ({ notifiedAt: Not(IsNull()), userId: MoreThan(after) });
  for await (const userIds of userIdChunks(dataSource, notifiedAccounts, chunkSize)) {
    withdrawn += await dataSource.transaction(async (manager) => {
      const changes: AccountChange[] = [];
      const notices: Partial<OutboxNotification>[] = [];
      for (const before of (await lockAccounts(manager, userIds)).values()) {
        if (before.notifiedAt === null) continue;
        if (governingStage(before, options.stages, options.now, options.rules) !== null) continue;
        // A refusal answered that notice; should the account cross a threshold again, it answers afresh.
        // A consent stays: it is a voluntary disclosure now.
        const after = Object.assign(new Account(), before, { notifiedAt: null });
        if (before.consent === 'NO') Object.assign(after, { consent: 'NONE', consentAt: null });
        changes.push({ before, after, cause: options.cause });
        notices.push({
          userId: before.userId,
          kind: 'NOTICE_WITHDRAWN',
          stageName: null,
          noticeDeadline: null,
          createdAt: options.now,
          deliveredAt: null,
        });
      }
      await saveAccountChanges(manager, changes, options.stages, options.now, options.rules);
      await outbox(manager, notices);
      return changes.length;
    });
  }
  return withdrawn;
}

export async function notifyAccounts(dataSource: DataSource, options: NotifyOptions): Promise<NotifyResult> {
  const chunkSize = options.chunkSize ?? 500;
  const notified = await notifyNewlySubject(dataSource, options, chunkSize);
  const withdrawn = await withdrawOutOfScope(dataSource, options, chunkSize);
  return { notified, withdrawn };
}
