// A notice deadline passing moves a label with no write: an account that did not answer becomes REFUSED and
// restricted (DISCLOSED under a mandatory stage), an unverified one restricted. The label is decided at read
// time from the stored notice, so every read shows it at once; but nothing would tell the services that act on
// `restricted` (ranking, monetization). Each notify run (the server's, every NOTIFY_INTERVAL_SECONDS, and
// `identity-labels notify`) looks for the notices whose deadline has passed unannounced and writes their
// LABEL_CHANGED outbox entries, marking each notice announced in the same commit: once per notice, across
// crashes and concurrent runs (each account re-read under its row lock).
import type { DataSource } from 'typeorm';
import { appendLabelChangeEntries, lockAccounts } from '../db/account-writes';
import { announcedAmong, markAnnounced, unannouncedNotices } from '../db/notice-deadlines';
import { inWriteTransaction } from '../db/write-transaction';
import { accountNoticeDeadline, deadlineLabelChange } from '../policy/label-change';
import { DAY_MS, daysAfter } from '../policy/time';
import type { PolicyRules, PolicyStage } from '../policy/types';

export interface DeadlineOptions {
  stages: readonly PolicyStage[];
  rules: PolicyRules;
  now: Date;
  chunkSize?: number;
}

/** Announces the deadlines passed among these accounts, under their row locks; how many labels it announced. */
function announceChunk(dataSource: DataSource, userIds: readonly string[], options: DeadlineOptions) {
  return inWriteTransaction(dataSource, async (manager) => {
    const accounts = await lockAccounts(manager, userIds);
    const announced = await announcedAmong(manager, userIds);
    const due = [...accounts.values()].filter((account) => {
      const deadline = accountNoticeDeadline(account, options.stages);
      return !announced.has(account.userId) && deadline !== null && deadline.getTime() <= options.now.getTime();
    });
    const moved = due.flatMap((account) => {
      const change = deadlineLabelChange(account, options.stages, options.now, options.rules);
      return change === null ? [] : [{ userId: account.userId, change }];
    });
    await appendLabelChangeEntries(manager, moved, options.now);
    // A deadline that moved nothing (an answer given before it) is done with too.
    await markAnnounced(
      manager,
      due.map((account) => account.userId),
    );
    return moved.length;
  });
}

/** Writes the label changes of the notice deadlines passed since the last run; returns how many. */
export async function announcePassedDeadlines(dataSource: DataSource, options: DeadlineOptions): Promise<number> {
  const limit = options.chunkSize ?? 500;
  let announced = 0;
  for (const stage of options.stages) {
    // A notice runs from the later of its own time and the stage's start: none under it has run out before this.
    if (daysAfter(stage.effectiveFrom, stage.noticeDays).getTime() > options.now.getTime()) continue;
    const notifiedBy = new Date(options.now.getTime() - stage.noticeDays * DAY_MS);
    for (let after = ''; ;) {
      const userIds = await unannouncedNotices(dataSource, { stageId: stage.id, notifiedBy, after, limit });
      if (userIds.length > 0) announced += await announceChunk(dataSource, userIds, options);
      if (userIds.length < limit) break;
      after = userIds.at(-1)!;
    }
  }
  return announced;
}
