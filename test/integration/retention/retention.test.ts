// Retention from the command: a deleted post's location goes (its account falls back to its latest remaining
// post), and the purge deletes audit entries and delivered notices past their retention, and nothing newer.
import { runCli } from '../../support/cli';
import { useCommandDatabase } from '../../support/command-database';
import { userLocationRows } from '../../support/ip-locations';

const db = useCommandDatabase({
  AUDIT_RETENTION_DAYS: '1096',
  DELIVERED_NOTICE_RETENTION_DAYS: '30',
  EVENTS_DEDUP_RETENTION_DAYS: '7',
});
const daysAgo = (days: number) =>
  new Date(Date.now() - days * 86_400_000).toISOString().replace('T', ' ').replace('Z', '');

describe('ip-locations delete', () => {
  beforeAll(async () => {
    const lines = [
      'postId,userId,ip,at',
      'p-old,author-1,223.5.5.5,2026-01-01T00:00:00Z',
      'p-mid,author-1,8.8.8.8,2026-02-01T00:00:00Z',
      'p-new,author-1,114.114.114.114,2026-03-01T00:00:00Z',
      'p-other,author-2,223.5.5.5,2026-03-01T00:00:00Z',
    ];
    const result = await runCli(['ip-locations', 'import', db.file('posts.csv', `${lines.join('\n')}\n`)], db.env);
    expect(result.code).toBe(0);
  });

  it("deletes the posts' locations; the account's latest falls back to its latest remaining post", async () => {
    const result = await runCli(['ip-locations', 'delete', '--post', 'p-new', 'p-never'], db.env);
    expect(result).toMatchObject({ code: 0, stdout: 'ip-locations delete: 1 deleted, 1 had none\n' });
    const posts = (await db.dataSource.query('SELECT post_id FROM post_ip_locations ORDER BY post_id')) as {
      post_id: string;
    }[];
    expect(posts.map((row) => row.post_id)).toEqual(['p-mid', 'p-old', 'p-other']);
    expect((await userLocationRows(db.dataSource)).map((row) => [row.user_id, row.post_id])).toEqual([
      ['author-1', 'p-mid'],
      ['author-2', 'p-other'],
    ]);
  });

  it('an account whose every post is deleted has no latest location left', async () => {
    await runCli(['ip-locations', 'delete', '--post', 'p-mid', 'p-old'], db.env);
    expect((await userLocationRows(db.dataSource)).map((row) => row.user_id)).toEqual(['author-2']);
  });

  it('refuses a bad post id, naming which, before deleting anything', async () => {
    const result = await runCli(['ip-locations', 'delete', '--post', 'p-other', ' padded'], db.env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/post id 2 must not start or end with white space/);
    expect(await userLocationRows(db.dataSource)).toHaveLength(1);
  });
});

describe('purge', () => {
  beforeAll(async () => {
    const audit = (at: string) => [`u-${at}`, at, 'NOTIFIED', 'NOT_SUBJECT', 'NOTICE', null, 'test'];
    for (const row of [audit(daysAgo(1200)), audit(daysAgo(1000)), audit(daysAgo(1))]) {
      await db.dataSource.query(
        'INSERT INTO audit_log (user_id, at, event, old_status, new_status, stage_name, cause) VALUES (?, ?, ?, ?, ?, ?, ?)',
        row,
      );
    }
    const notice = (deliveredAt: string | null) => ['u-n', 'NOTICE', null, null, daysAgo(90), deliveredAt];
    for (const row of [notice(daysAgo(60)), notice(daysAgo(5)), notice(null)]) {
      await db.dataSource.query(
        'INSERT INTO notification_outbox (user_id, kind, stage_name, notice_deadline, created_at, delivered_at) VALUES (?, ?, ?, ?, ?, ?)',
        row,
      );
    }
    // The keys of applied events and a deleted post's id: an old one of each, and a recent one.
    for (const [key, at] of [
      [Buffer.alloc(16, 0xaa), daysAgo(8)],
      [Buffer.alloc(16, 0xbb), daysAgo(6)],
    ]) {
      await db.dataSource.query('INSERT INTO processed_events (event_key, processed_at) VALUES (?, ?)', [key, at]);
    }
    for (const [postId, at] of [
      ['p-deleted-long-ago', daysAgo(8)],
      ['p-deleted-lately', daysAgo(1)],
    ]) {
      await db.dataSource.query('INSERT INTO deleted_posts (post_id, deleted_at) VALUES (?, ?)', [postId, at]);
    }
  });

  it('deletes what is past its retention, and nothing newer; a second run deletes nothing', async () => {
    const first = await runCli(['purge'], db.env);
    expect(first).toMatchObject({
      code: 0,
      stdout:
        'purge: 1 audit entries older than 1096 days, 1 notices delivered over 30 days ago, ' +
        '2 event keys older than 7 days\n',
    });
    const audit = (await db.dataSource.query('SELECT COUNT(*) AS n FROM audit_log')) as { n: string }[];
    expect(Number(audit[0]!.n)).toBe(2);
    const outbox = (await db.dataSource.query('SELECT delivered_at FROM notification_outbox ORDER BY id')) as unknown[];
    expect(outbox).toHaveLength(2); // the recent delivery, and the one not delivered yet
    expect(await db.dataSource.query('SELECT event_key FROM processed_events')).toEqual([
      { event_key: Buffer.alloc(16, 0xbb) },
    ]);
    expect(await db.dataSource.query('SELECT post_id FROM deleted_posts')).toEqual([{ post_id: 'p-deleted-lately' }]);
    expect((await runCli(['purge'], db.env)).stdout).toBe(
      'purge: 0 audit entries older than 1096 days, 0 notices delivered over 30 days ago, 0 event keys older than 7 days\n',
    );
  });
});

describe('purge of the professional labels’ history', () => {
  beforeAll(async () => {
    for (const at of [daysAgo(1100), daysAgo(3)]) {
      await db.dataSource.query(
        "INSERT INTO label_changes (user_id, at, event, field, title, cause) VALUES ('u-l', ?, 'QUALIFICATION_GRANTED', 'LAW', '律师执业证', 'test')",
        [at],
      );
    }
  });

  it('deletes label changes past AUDIT_RETENTION_DAYS with the audit entries, and nothing newer', async () => {
    expect((await runCli(['purge'], db.env)).stdout).toBe(
      'purge: 1 audit entries older than 1096 days, 0 notices delivered over 30 days ago, 0 event keys older than 7 days\n',
    );
    const left = (await db.dataSource.query('SELECT at FROM label_changes')) as unknown[];
    expect(left).toHaveLength(1);
  });
});
