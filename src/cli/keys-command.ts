// `identity-labels keys ...`: the keys real names are encrypted with at rest. `generate` makes one, `status`
// shows which keys the stored names are under, `encrypt` encrypts the names still in plain text, `rotate`
// moves every name onto the current key so that an old one can be removed from REAL_NAME_KEYS.
import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import { newRealNameKey, type RealNameKeys } from '../crypto/real-name-keys';
import { RealNames } from '../real-names/real-names';
import {
  countStoredNames,
  countToReencrypt,
  reencryptRealNames,
  type ReencryptScope,
} from '../key-rotation/reencrypt-real-names';
import { errorMessage } from '../errors';
import { CommandError } from './database';
import { startCountProgress } from './progress';

const whole = (count: number) => count.toLocaleString('en');

function requireKeys(config: Config): RealNameKeys {
  if (config.realNameKeys === undefined) {
    throw new CommandError(
      'REAL_NAME_KEYS is not set: there is no key to encrypt under (see `keys generate`)',
      'CONFIG_INVALID',
    );
  }
  return config.realNameKeys;
}

/** `keys encrypt` (scope plain) and `keys rotate` (scope not-current). */
export async function runReencrypt(
  dataSource: DataSource,
  config: Config,
  scope: ReencryptScope,
  batchSize: number,
): Promise<void> {
  const verb = scope === 'plain' ? 'encrypt' : 'rotate';
  if (batchSize < 1) throw new CommandError('--batch-size must be at least 1', 'USAGE');
  const keys = requireKeys(config);
  const total = await countToReencrypt(dataSource, scope, keys);
  const progress = startCountProgress(`keys ${verb}`, total, 'names', process.stderr);
  const result = await reencryptRealNames(dataSource, new RealNames(keys), {
    scope,
    batchSize,
    onBatch: ({ reencrypted, unreadable }) => progress.update(reencrypted + unreadable),
    onUnreadable: (userId, error) => process.stderr.write(`account ${userId}: ${error.message}\n`),
  }).finally(() => progress.stop());
  process.stdout.write(
    `keys ${verb}: ${whole(result.reencrypted)} names now under key "${keys.currentId}"` +
      (result.unreadable > 0 ? `, ${whole(result.unreadable)} could not be read (left as they are)` : '') +
      '\n',
  );
  if (result.unreadable > 0) process.exitCode = 1;
}

/** `keys status`: plain-text names, names under each key, and configured keys no name is under any more. */
export async function printKeyStatus(dataSource: DataSource, config: Config): Promise<void> {
  const counts = await countStoredNames(dataSource);
  const configured = config.realNameKeys?.ids ?? [];
  process.stdout.write(`plain text: ${whole(counts.plainText)}\n`);
  for (const [keyId, count] of counts.byKeyId) {
    const note =
      keyId === config.realNameKeys?.currentId
        ? ' (current)'
        : configured.includes(keyId)
          ? ''
          : ' (not in REAL_NAME_KEYS: unreadable)';
    process.stdout.write(`key "${keyId}"${note}: ${whole(count)}\n`);
  }
  for (const keyId of configured) {
    if (counts.byKeyId.has(keyId)) continue;
    const note = keyId === config.realNameKeys?.currentId ? ' (current)' : '';
    process.stdout.write(`key "${keyId}"${note}: 0${note === '' ? ' (can be removed)' : ''}\n`);
  }
}

/** `keys generate`: one REAL_NAME_KEYS entry with a fresh key. */
export function printNewKey(keyId: string): void {
  try {
    process.stdout.write(`${newRealNameKey(keyId)}\n`);
  } catch (error) {
    throw new CommandError(errorMessage(error), 'USAGE');
  }
}
