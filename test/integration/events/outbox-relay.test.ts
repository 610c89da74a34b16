// The outbox relayed to the real nats-server: notices, withdrawals and label changes go out as CloudEvents
// (never a name), each once in the stream, in order per account, marked delivered only once the stream has
// them; one relay at a time across two instances, the other taking over when it goes.
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { createTestDatabase } from '../../support/database';
import { accountRow, followersChanged, verificationChanged } from '../../support/events';
import { metricValue, newStreamName, TEST_NATS_URL, useTestStream } from '../../support/nats';
import { startTestServer, type TestServer } from '../../support/server';
import { useTestDatabase } from '../../support/database';
import { onTeardown } from '../../support/teardown';
import { waitUntil } from '../../support/wait-until';

const stream = useTestStream();
const database = useTestDatabase();
const instances: TestServer[] = [];
const out = (suffix: string) => `${stream.outPrefix}.${suffix}`;

beforeAll(async () => {
  for (let index = 0; index < 2; index += 1) {
    const instance = await startTestServer({
      DATABASE_URL: database.url,
      ...stream.env(),
      NOTIFY_INTERVAL_SECONDS: '0',
    });
    onTeardown(() => instance.close());
    instances.push(instance);
  }
});

const dataSource = () => instances.at(-1)!.app.dataSource;
/** Batches run concurrently: a test that cares about the order of two events waits for the first. */
const verified = (userId: string) =>
  waitUntil(async () => (await accountRow(dataSource(), userId))?.verification === 'VERIFIED', 'verified', 5000);
const undelivered = async () =>
  Number((await dataSource().query('SELECT COUNT(*) AS n FROM notification_outbox WHERE delivered_at IS NULL'))[0].n);
const outboxSize = async () => Number((await dataSource().query('SELECT COUNT(*) AS n FROM notification_outbox'))[0].n);
/** Every event this service published, in stream order, parsed. */
const published = async () => {
  const all = [];
  const info = await stream.manager.streams.info(stream.name);
  for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq += 1) {
    const message = await stream.manager.streams.getMessage(stream.name, { seq }).catch(() => null);
    if (message === null || !message.subject.startsWith(`${stream.outPrefix}.`)) continue;
    all.push({ subject: message.subject, msgId: message.header?.get('Nats-Msg-Id'), event: message.json<any>() });
  }
  return all;
};

it('a threshold crossed goes out as identity.label.changed and identity.notice.sent, never with the name', async () => {
  await stream.publish(verificationChanged('relay-1', { verification: 'VERIFIED', realName: '欧阳修' }, 30));
  await verified('relay-1');
  await stream.publish(followersChanged('relay-1', 800_000, 20));
  await waitUntil(async () => (await published()).length === 2 && (await undelivered()) === 0, 'relayed', 5000);
  const [label, notice] = await published();
  const [{ id: labelId }, { id: noticeId }] = await dataSource().query(
    "SELECT id FROM notification_outbox WHERE user_id = 'relay-1' ORDER BY id",
  );
  expect(label).toEqual({
    subject: out('label.changed'),
    msgId: `identity-labels:outbox:${labelId}`,
    event: {
      specversion: '1.0',
      id: String(labelId),
      source: 'urn:identity-labels:outbox',
      type: 'identity.label.changed',
      time: expect.any(String),
      datacontenttype: 'application/json',
      data: {
        userId: 'relay-1',
        status: 'NOTICE',
        restricted: false,
        stage: 'expanded',
        noticeDeadline: expect.any(String),
      },
    },
  });
  expect(notice).toMatchObject({
    subject: out('notice.sent'),
    msgId: `identity-labels:outbox:${noticeId}`,
    event: {
      type: 'identity.notice.sent',
      data: { userId: 'relay-1', stage: 'expanded', noticeDeadline: expect.any(String) },
    },
  });
  expect(JSON.stringify(await published())).not.toContain('欧阳修');
});

it('in order per account, each entry once: up, down and up again', async () => {
  // One at a time: events of one account in one batch are merged into the last state (one change).
  const applied = async (count: number) => {
    const rows = await dataSource().query("SELECT follower_count FROM accounts WHERE user_id = 'relay-2'");
    return Number(rows[0]?.follower_count) === count;
  };
  await stream.publish(verificationChanged('relay-2', { verification: 'VERIFIED', realName: '苏轼' }, 60));
  await verified('relay-2');
  for (const [count, secondsAgo] of [
    [900_000, 50],
    [10, 40],
    [900_001, 30],
  ] as const) {
    await stream.publish(followersChanged('relay-2', count, secondsAgo));
    await waitUntil(() => applied(count), `${count} applied`, 5000);
  }
  const theirs = async () => (await published()).filter((message) => message.event.data.userId === 'relay-2');
  await waitUntil(async () => (await theirs()).length === 6 && (await undelivered()) === 0, 'relayed', 5000);
  expect((await published()).length).toBe(await outboxSize()); // each entry once
  expect((await theirs()).map((message) => `${message.event.type} ${message.event.data.status ?? ''}`.trim())).toEqual([
    'identity.label.changed NOTICE',
    'identity.notice.sent',
    'identity.label.changed NOT_SUBJECT',
    'identity.notice.withdrawn',
    'identity.label.changed NOTICE',
    'identity.notice.sent',
  ]);
  const ids = (await theirs()).map((message) => Number(message.event.id));
  expect(ids).toEqual([...ids].sort((a, b) => a - b));
});

it('one instance relays at a time', async () => {
  const leaders = await Promise.all(
    instances.map((instance) => metricValue(instance.app.url, 'identity_events_relay_leader')),
  );
  expect(leaders.sort()).toEqual([0, 1]);
});

it('an entry published again (a crash before it was marked) is kept once by the stream', async () => {
  const before = (await published()).length;
  const [{ id }] = await dataSource().query('SELECT MAX(id) AS id FROM notification_outbox');
  await dataSource().query('UPDATE notification_outbox SET delivered_at = NULL WHERE id = ?', [id]);
  await waitUntil(async () => (await undelivered()) === 0, 'published again and marked', 5000);
  expect((await published()).length).toBe(before);
});

it('when the relaying instance stops, the other takes over', async () => {
  const leaderIndex = (
    await Promise.all(instances.map((instance) => metricValue(instance.app.url, 'identity_events_relay_leader')))
  ).indexOf(1);
  const [leader] = instances.splice(leaderIndex, 1);
  await leader!.close();
  const other = instances[0]!;
  await stream.publish(verificationChanged('relay-3', { verification: 'VERIFIED', realName: '王维' }, 30));
  await verified('relay-3');
  await stream.publish(followersChanged('relay-3', 2_000_000, 20));
  await waitUntil(
    async () => (await published()).filter((message) => message.event.data.userId === 'relay-3').length === 2,
    'relayed by the other instance',
    10_000,
  );
  expect(await metricValue(other.app.url, 'identity_events_relay_leader')).toBe(1);
  expect(await undelivered()).toBe(0);
});

it('marks nothing delivered while no stream takes its subjects, and delivers once one does', async () => {
  const name = newStreamName();
  const own = await createTestDatabase();
  const server = await startTestServer({
    DATABASE_URL: own.url,
    ...stream.env(),
    EVENTS_OUT_PREFIX: `${name}.out`, // no stream has these subjects yet
    NOTIFY_INTERVAL_SECONDS: '0',
  });
  const connection = await connect({ servers: TEST_NATS_URL });
  const manager = await jetstreamManager(connection);
  onTeardown(async () => {
    await server.close();
    await own.drop();
    await manager.streams.delete(name).catch(() => undefined);
    await connection.close();
  });
  await server.app.dataSource.query(
    "INSERT INTO notification_outbox (user_id, kind, stage_name, created_at) VALUES ('relay-4', 'NOTICE', 'expanded', NOW(3))",
  );
  await new Promise((resolve) => setTimeout(resolve, 1500)); // a few passes of the relay
  const pending = 'SELECT COUNT(*) AS n FROM notification_outbox WHERE delivered_at IS NULL';
  expect(Number((await server.app.dataSource.query(pending))[0].n)).toBe(1);
  await manager.streams.add({ name, subjects: [`${name}.out.>`] });
  await waitUntil(async () => Number((await server.app.dataSource.query(pending))[0].n) === 0, 'delivered', 10_000);
  expect((await manager.streams.info(name)).state.messages).toBe(1);
});
