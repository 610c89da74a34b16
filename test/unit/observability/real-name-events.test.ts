// Unreadable names are counted every time and logged at most once a minute for each reason and key id: a
// popular account under a lost key must not flood the log.
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { RealNameUnreadableError } from '../../../src/crypto/real-name-cipher';
import { Metrics } from '../../../src/observability/metrics';
import { realNameEvents } from '../../../src/observability/real-name-events';

it('counts every unreadable name and decryption, and logs each reason and key id once a minute', async () => {
  const lines: string[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
  const metrics = new Metrics({ driver: {} } as DataSource); // no pool: the gauge reads nothing
  let now = 0;
  const events = realNameEvents(metrics, log, () => now);

  for (let count = 0; count < 3; count += 1) events.unreadable(new RealNameUnreadableError('unknown_key', 'k0'));
  events.unreadable(new RealNameUnreadableError('not_authentic', 'k1'));
  events.decrypted();
  expect(lines).toHaveLength(2);
  now += 61_000;
  events.unreadable(new RealNameUnreadableError('unknown_key', 'k0'));
  expect(lines).toHaveLength(3);
  expect(lines.map((line) => JSON.parse(line).err.message)).toEqual([
    expect.stringContaining('(key id "k0")'),
    expect.stringContaining('(key id "k1")'),
    expect.stringContaining('(key id "k0")'),
  ]);

  const text = await metrics.registry.metrics();
  expect(text).toContain('identity_real_name_unreadable_total{reason="unknown_key"} 4');
  expect(text).toContain('identity_real_name_unreadable_total{reason="not_authentic"} 1');
  expect(text).toContain('identity_real_name_decryptions_total 1');
});
