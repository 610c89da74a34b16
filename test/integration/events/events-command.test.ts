// `identity-labels events setup-stream` and `events consume`, run as a user would, on the real nats-server.
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { runCli, startCli } from '../../support/cli';
import { useCommandDatabase } from '../../support/command-database';
import { followersChanged, verificationChanged } from '../../support/events';
import { metricValue, newStreamName, streamEnv, TEST_NATS_URL, useTestStream } from '../../support/nats';
import { freePort } from '../../support/owned-process';
import { onTeardown } from '../../support/teardown';
import { waitUntil } from '../../support/wait-until';

const stream = useTestStream();
const db = useCommandDatabase(stream.env());

describe('events setup-stream', () => {
  const name = newStreamName();
  const env = { ...streamEnv(name), EVENTS_OUT_PREFIX: `${name}.out`, EVENTS_DEAD_LETTER_SUBJECT: `${name}.dead` };
  onTeardown(async () => {
    const connection = await connect({ servers: TEST_NATS_URL });
    await (await jetstreamManager(connection)).streams.delete(name).catch(() => undefined);
    await connection.close();
  });

  it('creates the stream with the platform subjects and the service’s own; run again, leaves it', async () => {
    const first = await runCli(['events', 'setup-stream', '--subjects', `${name}.platform.>`], env);
    expect(first).toMatchObject({
      code: 0,
      stdout: `events setup-stream: created stream ${name} (subjects ${name}.platform.>, ${name}.out.>, ${name}.dead)\n`,
    });
    const again = await runCli(['events', 'setup-stream'], env);
    expect(again.stdout).toBe(
      `events setup-stream: stream ${name} exists (subjects ${name}.platform.>, ${name}.out.>, ${name}.dead)\n`,
    );
  });

  it('needs NATS_URL', async () => {
    const result = await runCli(['events', 'setup-stream'], { NATS_URL: '' });
    expect(result).toMatchObject({ code: 2, stderr: expect.stringMatching(/NATS_URL is not set/) });
  });
});

describe('events consume', () => {
  it('applies the events until SIGTERM, then stops cleanly', async () => {
    const running = startCli(['events', 'consume'], db.env);
    await stream.publish(
      verificationChanged('cli-account', { verification: 'VERIFIED', realName: '李雷' }, 20),
      followersChanged('cli-account', 1_200_000, 10),
    );
    await waitUntil(
      async () => {
        const rows = (await db.dataSource.query("SELECT notified_at FROM accounts WHERE user_id = 'cli-account'")) as {
          notified_at: Date | null;
        }[];
        return rows[0]?.notified_at instanceof Date;
      },
      'the account notified by the consumer',
      10_000,
    );
    running.child.kill('SIGTERM');
    const result = await running.result;
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/events consume: stopping/);
    expect(result.stderr).not.toContain('李雷');
    expect(await stream.consumerInfo()).toMatchObject({ num_pending: 0, num_ack_pending: 0 });
  });

  it('with --metrics-port, serves /metrics and /ready as the server does: the consumer, its lag, its counts', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const running = startCli(['events', 'consume', '--metrics-port', String(port)], { ...db.env, HOST: '127.0.0.1' });
    try {
      await stream.publish(followersChanged('cli-metrics', 7, 5));
      const applied = 'identity_events_total{type="user.followers.changed",outcome="applied"}';
      await waitUntil(async () => (await metricValue(url, applied).catch(() => 0)) === 1, 'counted', 10_000);
      // The lag is looked at every 2 s, and the relay tries its lock every second.
      await waitUntil(
        async () =>
          (await metricValue(url, 'identity_events_pending')) === 0 &&
          (await metricValue(url, 'identity_events_consumer_up')) === 1 &&
          (await metricValue(url, 'identity_events_relay_leader')) === 1,
        'consuming with no lag, and relaying',
        5000,
      );
      const ready = await fetch(`${url}/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({
        status: 'ready',
        events: { state: 'consuming', retrying: false },
        relay: { leader: true },
      });
      expect((await fetch(`${url}/health`)).status).toBe(200);
      expect((await fetch(`${url}/graphql`, { method: 'POST' })).status).toBe(404);
    } finally {
      running.child.kill('SIGTERM');
    }
    const result = await running.result;
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`"msg":"events consume: /metrics and /ready on ${url}"`);
  });

  it('refuses a --metrics-port that is no port', async () => {
    const result = await runCli(['events', 'consume', '--metrics-port', '70000'], db.env);
    expect(result).toMatchObject({ code: 2, stderr: expect.stringMatching(/--metrics-port must be a whole number/) });
  });

  it('needs NATS_URL', async () => {
    const result = await runCli(['events', 'consume'], { ...db.env, NATS_URL: '' });
    expect(result).toMatchObject({ code: 2, stderr: expect.stringMatching(/NATS_URL is not set/) });
  });
});
