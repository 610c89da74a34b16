// The platform's events as tests send them: CloudEvents 1.0 in structured JSON, one builder per type, each a
// valid event unless the test overrides what it is about.
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';

export const EVENT_SOURCE = '//platform.example/accounts';

export interface TestCloudEvent {
  specversion: string;
  id: string;
  source: string;
  type: string;
  time: string;
  datacontenttype?: string;
  data: Record<string, unknown>;
}

export function aCloudEvent(type: string, data: Record<string, unknown>, fields: Partial<TestCloudEvent> = {}) {
  return {
    specversion: '1.0',
    id: randomUUID(),
    source: EVENT_SOURCE,
    type,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    data,
    ...fields,
  } satisfies TestCloudEvent;
}

/** `secondsAgo` sets observedAt: a later observation has a smaller number. */
export function followersChanged(
  userId: string,
  followerCount: number,
  secondsAgo = 60,
  fields: Partial<TestCloudEvent> = {},
) {
  const observedAt = new Date(Date.now() - secondsAgo * 1000).toISOString();
  return aCloudEvent('user.followers.changed', { userId, followerCount, observedAt }, fields);
}

export function verificationChanged(
  userId: string,
  data: { verification: string; realName?: string; subjectKind?: string; category?: string },
  secondsAgo = 60,
) {
  const observedAt = new Date(Date.now() - secondsAgo * 1000).toISOString();
  return aCloudEvent('user.verification.changed', { userId, ...data, observedAt });
}

export function accountClosed(userId: string) {
  return aCloudEvent('account.closed', { userId, closedAt: new Date().toISOString() });
}

export function postCreated(postId: string, authorId: string, ip = '223.5.5.5') {
  return aCloudEvent('post.created', { postId, authorId, ip, createdAt: new Date(Date.now() - 1000).toISOString() });
}

export function postDeleted(postId: string) {
  return aCloudEvent('post.deleted', { postId, deletedAt: new Date().toISOString() });
}

export const encode = (event: unknown) => new TextEncoder().encode(JSON.stringify(event));

/** One account's stored facts, as a test checks them. */
export async function accountRow(dataSource: DataSource, userId: string) {
  const [row] = (await dataSource.query(
    'SELECT follower_count, verification, notified_at, notified_stage_id FROM accounts WHERE user_id = ?',
    [userId],
  )) as { follower_count: number; verification: string; notified_at: Date | null }[];
  return row;
}

/** The outbox of one account, oldest first: kind, and the status for a LABEL_CHANGED. */
export async function outboxOf(dataSource: DataSource, userId: string): Promise<string[]> {
  const rows = (await dataSource.query(
    'SELECT kind, status, restricted FROM notification_outbox WHERE user_id = ? ORDER BY id',
    [userId],
  )) as { kind: string; status: string | null; restricted: number | null }[];
  return rows.map((row) =>
    row.kind === 'LABEL_CHANGED' ? `LABEL_CHANGED ${row.status}${row.restricted ? ' restricted' : ''}` : row.kind,
  );
}

/** A credential granted or renewed (or, with `revoked: true`, revoked); `secondsAgo` sets observedAt. */
export function qualificationChanged(
  userId: string,
  data: { field?: string; title?: string; issuer?: string; verifiedAt?: string; expiresAt?: string; revoked?: boolean },
  secondsAgo = 60,
) {
  const observedAt = new Date(Date.now() - secondsAgo * 1000).toISOString();
  const credential = data.revoked === true ? {} : { verifiedAt: '2025-01-01T00:00:00Z' };
  return aCloudEvent('user.qualification.changed', {
    userId,
    field: 'MEDICAL',
    title: '执业医师',
    ...credential,
    ...data,
    observedAt,
  });
}

/** The account's MCN agency (null or '': it has none any more); `secondsAgo` sets observedAt. */
export function mcnChanged(userId: string, mcnAgency: string | null, secondsAgo = 60, since?: string) {
  const observedAt = new Date(Date.now() - secondsAgo * 1000).toISOString();
  return aCloudEvent('user.mcn.changed', { userId, mcnAgency, ...(since !== undefined && { since }), observedAt });
}

/** One account's credentials and MCN agency as stored: `FIELD title` and the agency's name. */
export async function professionalRows(dataSource: DataSource, userId: string) {
  const credentials = (await dataSource.query(
    'SELECT field, title FROM qualifications WHERE user_id = ? ORDER BY field, title',
    [userId],
  )) as { field: string; title: string }[];
  const agencies = (await dataSource.query('SELECT name FROM mcn_agencies WHERE user_id = ?', [userId])) as {
    name: string;
  }[];
  return {
    credentials: credentials.map((row) => `${row.field} ${row.title}`),
    agency: agencies[0]?.name ?? null,
  };
}
