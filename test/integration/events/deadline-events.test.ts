// A notice deadline passing, with no write, reaches the services that act on `restricted`: the server's notify
// run writes the label change to the outbox and the relay sends it out as identity.label.changed, on the real
// nats-server, within the notify interval; once.
import { outboxOf } from '../../support/events';
import { anAccount, DAY_MS, insertAccounts } from '../../support/factories';
import { useTestStream } from '../../support/nats';
import { useTestServer } from '../../support/server';
import { waitUntil } from '../../support/wait-until';

const stream = useTestStream();
const server = useTestServer({ env: { ...stream.env(), NOTIFY_INTERVAL_SECONDS: '1' } });
const labelChangesOf = async (userId: string) =>
  (await stream.messagesOn(`${stream.outPrefix}.label.changed`))
    .map((message) => JSON.parse(message.data))
    .filter((event) => event.data.userId === userId);

let sentinels = 0;
/** Resolves once a whole notify run has started and ended since the call (runs never overlap). */
async function aWholeNotifyRun(): Promise<void> {
  for (let round = 0; round < 2; round += 1) {
    sentinels += 1;
    const userId = `sentinel-${sentinels}`;
    await insertAccounts(server.app.dataSource, [anAccount({ userId, followerCount: 1_500_000 })]);
    await waitUntil(async () => (await outboxOf(server.app.dataSource, userId)).includes('NOTICE'), 'notified', 5000);
  }
}

it('goes out as identity.label.changed, REFUSED and restricted, within the notify interval of the deadline', async () => {
  const [initial] = await server.app.dataSource.query("SELECT id FROM policy_stages WHERE name = 'initial'");
  const notifiedAt = new Date(server.now.getTime() - 12 * DAY_MS); // 13 days' notice: one day left
  await insertAccounts(server.app.dataSource, [
    anAccount({ userId: 'deadline-1', followerCount: 1_500_000, notifiedAt, notifiedStageId: initial.id }),
  ]);
  await aWholeNotifyRun();
  expect(await outboxOf(server.app.dataSource, 'deadline-1')).toEqual([]);

  server.now = new Date(notifiedAt.getTime() + 13 * DAY_MS); // the deadline
  await waitUntil(async () => (await labelChangesOf('deadline-1')).length > 0, 'the label change published', 5000);
  expect(await labelChangesOf('deadline-1')).toEqual([
    expect.objectContaining({
      type: 'identity.label.changed',
      data: {
        userId: 'deadline-1',
        status: 'REFUSED',
        restricted: true,
        stage: 'initial',
        noticeDeadline: server.now.toISOString(),
      },
    }),
  ]);
  await aWholeNotifyRun();
  expect(await outboxOf(server.app.dataSource, 'deadline-1')).toEqual(['LABEL_CHANGED REFUSED restricted']);
});
