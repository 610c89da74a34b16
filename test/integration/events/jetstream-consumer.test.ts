// The consumer on the real nats-server: every event type in, the label changing within seconds, duplicates
// and out-of-order events changing nothing, poison messages terminated and dead-lettered with reasons that
// repeat no value, and /ready and /metrics showing the consumer.
import { IpDatabase } from '../../../src/ip-location/ip-database';
import {
  accountClosed,
  accountRow,
  followersChanged,
  mcnChanged,
  outboxOf,
  postCreated,
  postDeleted,
  qualificationChanged,
  verificationChanged,
} from '../../support/events';
import { everyStoredValue, postLocationRows } from '../../support/ip-locations';
import { metricValue, useTestStream } from '../../support/nats';
import { useTestServer, userRef } from '../../support/server';
import { waitUntil } from '../../support/wait-until';

const stream = useTestStream();
const logLines: string[] = [];
const server = useTestServer({ env: stream.env(), logLines });

const labelOf = async (userId: string) => {
  const body = await server.entities([userRef(userId)], '... on User { identityLabel { status } }');
  return (body.data?._entities as { identityLabel: { status: string } }[])[0]!.identityLabel.status;
};
const count = async (sql: string, parameters: unknown[] = []) =>
  Number(((await server.app.dataSource.query(sql, parameters)) as { n: number }[])[0]!.n);
/** Everything in the stream delivered and acknowledged (or terminated). */
const drained = async () => {
  const info = await stream.consumerInfo().catch(() => undefined); // not created yet
  return info !== undefined && info.num_pending === 0 && info.num_ack_pending === 0;
};

it('a follower count crossing 500,000 makes a verified account NOTICE within seconds, its notice in the outbox', async () => {
  await stream.publish(
    verificationChanged('celebrity', { verification: 'VERIFIED', realName: '周杰', subjectKind: 'INDIVIDUAL' }, 30),
  );
  // Batches run concurrently: the verification first, so that the label goes straight to NOTICE.
  await waitUntil(
    async () => (await accountRow(server.app.dataSource, 'celebrity'))?.verification === 'VERIFIED',
    'verified',
    5000,
  );
  await stream.publish(followersChanged('celebrity', 620_000, 10));
  const took = await waitUntil(async () => (await labelOf('celebrity')) === 'NOTICE', 'celebrity in NOTICE', 5000);
  expect(took).toBeLessThan(5000);
  expect(await outboxOf(server.app.dataSource, 'celebrity')).toEqual(['LABEL_CHANGED NOTICE', 'NOTICE']);
});

it('every other event type takes effect: a post located then deleted, an account closed', async () => {
  IpDatabase.open({ ipv4: undefined, ipv6: undefined }); // the service reads the same bundled files
  await stream.publish(postCreated('p-1', 'author-1', '223.5.5.5'), postCreated('p-2', 'author-1', '8.8.8.8'));
  await waitUntil(async () => (await postLocationRows(server.app.dataSource)).length === 2, 'posts located', 5000);
  await stream.publish(postDeleted('p-1'), accountClosed('celebrity'));
  await waitUntil(
    async () => !(await everyStoredValue(server.app.dataSource)).includes('celebrity'),
    'celebrity erased',
    5000,
  );
  expect((await postLocationRows(server.app.dataSource)).map((row) => row.post_id)).toEqual(['p-2']);
  expect(await labelOf('celebrity')).toBe('NOT_SUBJECT');
  expect(await everyStoredValue(server.app.dataSource)).not.toMatch(/223\.5\.5\.5|8\.8\.8\.8/);
  expect(logLines.join('\n')).not.toMatch(/223\.5\.5\.5|8\.8\.8\.8|周杰/);
});

it('a duplicate (same source and id, published twice) and an older observation change nothing', async () => {
  const first = followersChanged('steady', 700, 5);
  await stream.publish(first, first, followersChanged('steady', 300, 50));
  await waitUntil(drained, 'all acknowledged', 5000);
  expect(await count("SELECT follower_count AS n FROM accounts WHERE user_id = 'steady'")).toBe(700);
  expect(
    await metricValue(server.app.url, 'identity_events_total{type="user.followers.changed",outcome="duplicate"}'),
  ).toBe(1);
  expect(
    await metricValue(server.app.url, 'identity_events_total{type="user.followers.changed",outcome="stale"}'),
  ).toBe(1);
});

describe('poison messages', () => {
  const secretName = '不该出现的名字';
  const invalid = verificationChanged('poisoned', { verification: 'MAYBE', realName: secretName });
  const unknown = { ...followersChanged('poisoned', 1), type: 'user.renamed' };

  beforeAll(async () => {
    await stream.publish('{not json', { hello: 'world' }, unknown, invalid);
    await waitUntil(drained, 'poison terminated', 5000);
  });

  it('are terminated, not redelivered: nothing is left pending', async () => {
    const info = await stream.consumerInfo();
    expect(info).toMatchObject({ num_pending: 0, num_ack_pending: 0, num_redelivered: 0 });
  });

  it('are copied whole to the dead-letter subject with the reason', async () => {
    const letters = await stream.messagesOn(stream.deadLetterSubject);
    expect(letters.map((letter) => letter.headers['Identity-Labels-Reason'])).toEqual([
      'not-json',
      'not-cloudevent',
      'unknown-type',
      'invalid-data',
    ]);
    expect(letters[0]!.data).toBe('{not json');
    expect(JSON.parse(letters[3]!.data)).toEqual(invalid);
    expect(letters[3]!.headers['Identity-Labels-Subject']).toBe(stream.eventSubject);
  });

  it('are counted by reason in /metrics', async () => {
    for (const reason of ['not-json', 'not-cloudevent', 'unknown-type', 'invalid-data']) {
      expect(await metricValue(server.app.url, `identity_events_rejected_total{reason="${reason}"}`)).toBe(1);
    }
    expect(await metricValue(server.app.url, 'identity_events_dead_lettered_total{outcome="copied"}')).toBe(4);
  });

  it('are logged with the event id and the reason, never a value', async () => {
    const refused = logLines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === 'event refused');
    expect(refused).toContainEqual(expect.objectContaining({ eventId: invalid.id, reason: 'invalid-data' }));
    expect(refused).toContainEqual(expect.objectContaining({ eventId: unknown.id, reason: 'unknown-type' }));
    expect(logLines.join('\n')).not.toContain(secretName);
    expect(logLines.join('\n')).not.toContain('MAYBE');
  });

  it('does not dead-letter its own dead letters when the stream captures them', async () => {
    await stream.publish(followersChanged('after-poison', 9));
    await waitUntil(drained, 'drained', 5000);
    expect(await stream.messagesOn(stream.deadLetterSubject)).toHaveLength(4);
    expect(await metricValue(server.app.url, 'identity_events_own_skipped_total')).toBeGreaterThanOrEqual(4);
  });
});

it('/ready and /metrics show the consumer and its lag', async () => {
  const ready = (await (await fetch(`${server.app.url}/ready`)).json()) as Record<string, any>;
  expect(ready).toMatchObject({ status: 'ready', events: { state: 'consuming', retrying: false } });
  await waitUntil(drained, 'drained', 5000);
  // The lag is looked at every 2 s: once drained, the next look finds none.
  await waitUntil(
    async () =>
      (await metricValue(server.app.url, 'identity_events_pending')) === 0 &&
      (await metricValue(server.app.url, 'identity_events_oldest_unacked_age_seconds')) === 0,
    'no lag reported',
    5000,
  );
  expect(await metricValue(server.app.url, 'identity_events_consumer_up')).toBe(1);
  expect(await metricValue(server.app.url, 'identity_events_ack_pending')).toBe(0);
});

describe('professional labels', () => {
  const labelsOf = async (userId: string) => {
    const body = await server.entities(
      [userRef(userId)],
      '... on User { qualifications { label } mcnAgency { label } }',
    );
    const [user] = body.data?._entities as {
      qualifications: { label: string }[];
      mcnAgency: { label: string } | null;
    }[];
    return { qualifications: user!.qualifications.map((q) => q.label), mcnAgency: user!.mcnAgency?.label ?? null };
  };

  it('a credential and an MCN agency show on the profile within seconds', async () => {
    await stream.publish(
      qualificationChanged('pro', { field: 'LAW', title: '律师执业证' }, 20),
      mcnChanged('pro', '星河文化传媒', 20),
    );
    await waitUntil(
      async () => (await labelsOf('pro')).mcnAgency !== null && (await labelsOf('pro')).qualifications.length === 1,
      'the labels shown',
      5000,
    );
    expect(await labelsOf('pro')).toEqual({ qualifications: ['司法：律师执业证'], mcnAgency: 'MCN机构：星河文化传媒' });
  });

  it('a duplicate and an older observation change nothing; bad data is dead-lettered with its reason', async () => {
    const revoked = qualificationChanged('pro', { field: 'LAW', title: '律师执业证', revoked: true }, 10);
    const invalid = mcnChanged('pro', '  ', 5);
    await stream.publish(revoked, mcnChanged('pro', '旧机构', 40));
    await waitUntil(drained, 'drained', 5000);
    await stream.publish(revoked, qualificationChanged('pro', { field: 'LAW', title: '律师执业证' }, 15), invalid);
    await waitUntil(drained, 'drained', 5000);
    expect(await labelsOf('pro')).toEqual({ qualifications: [], mcnAgency: 'MCN机构：星河文化传媒' });
    const sample = (type: string, outcome: string) =>
      metricValue(server.app.url, `identity_events_total{type="${type}",outcome="${outcome}"}`);
    expect(await sample('user.qualification.changed', 'duplicate')).toBe(1);
    expect(await sample('user.qualification.changed', 'stale')).toBe(1);
    expect(await sample('user.mcn.changed', 'stale')).toBe(1);
    const letters = await stream.messagesOn(stream.deadLetterSubject);
    expect(letters.at(-1)).toMatchObject({ headers: { 'Identity-Labels-Reason': 'invalid-data' } });
    expect(JSON.parse(letters.at(-1)!.data)).toEqual(invalid);
  });
});
