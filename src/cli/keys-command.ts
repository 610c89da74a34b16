// `identity-labels keys ...`: the keys real names are encrypted with at rest. `generate` makes one, `status`
// shows which keys the stored names are under, `encrypt` encrypts the names still in plain text, `rotate`
// moves every name onto the current key so that an old one can be removed from REAL_NAME_KEYS.
import type { Command } from 'commander';
import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import { newPseudonymKey } from '../crypto/pseudonym-key';
import { newRealNameKey, type RealNameKeys } from '../crypto/real-name-keys';
import { RealNames } from '../real-names/real-names';
import {
  countStoredNames,
  countToReencrypt,
  reencryptRealNames,
  type ReencryptScope,
} from '../key-rotation/reencrypt-real-names';
import { errorMessage } from '../errors';
import type { CommandIo } from './command-io';
import { CommandError } from './database';
import { batchSize, printable, whole } from './options';
import { startCountProgress } from './progress';

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
async function reencrypt(
  io: CommandIo,
  dataSource: DataSource,
  config: Config,
  scope: ReencryptScope,
  batchSize: number,
): Promise<void> {
  const verb = scope === 'plain' ? 'encrypt' : 'rotate';
  const keys = requireKeys(config);
  const total = await countToReencrypt(dataSource, scope, keys);
  const progress = startCountProgress(`keys ${verb}`, total, 'names', io.stderr);
  const result = await reencryptRealNames(dataSource, new RealNames(keys), {
    scope,
    batchSize,
    onBatch: ({ reencrypted, unreadable }) => progress.update(reencrypted + unreadable),
    onUnreadable: (userId, error) => io.stderr.write(`account ${userId}: ${error.message}\n`),
  }).finally(() => progress.stop());
  io.stdout.write(
    `keys ${verb}: ${whole(result.reencrypted)} names now under key "${keys.currentId}"` +
      (result.unreadable > 0 ? `, ${whole(result.unreadable)} could not be read (left as they are)` : '') +
      '\n',
  );
  if (result.unreadable > 0) io.setExitCode(1);
}

/** `keys status`: plain-text names, names under each key, and configured keys no name is under any more. */
async function printKeyStatus(io: CommandIo, dataSource: DataSource, config: Config): Promise<void> {
  const counts = await countStoredNames(dataSource);
  const configured = config.realNameKeys?.ids ?? [];
  io.stdout.write(`plain text: ${whole(counts.plainText)}\n`);
  for (const [keyId, count] of counts.byKeyId) {
    const note =
      keyId === config.realNameKeys?.currentId
        ? ' (current)'
        : configured.includes(keyId)
          ? ''
          : ' (not in REAL_NAME_KEYS: unreadable)';
    io.stdout.write(`key "${printable(keyId)}"${note}: ${whole(count)}\n`);
  }
  for (const keyId of configured) {
    if (counts.byKeyId.has(keyId)) continue;
    const note = keyId === config.realNameKeys?.currentId ? ' (current)' : '';
    io.stdout.write(`key "${printable(keyId)}"${note}: 0${note === '' ? ' (can be removed)' : ''}\n`);
  }
}

/** `keys generate`: one REAL_NAME_KEYS entry with a fresh key. */
function printNewKey(io: CommandIo, keyId: string): void {
  let entry: string;
  try {
    entry = newRealNameKey(keyId);
  } catch (error) {
    throw new CommandError(errorMessage(error), 'USAGE');
  }
  io.stdout.write(`${entry}\n`);
}

export function register(program: Command, io: CommandIo): void {
  const keys = program
    .command('keys')
    .description('the keys real names are encrypted with at rest (REAL_NAME_KEYS): generate, status, encrypt, rotate');
  keys
    .command('generate')
    .description('print a new REAL_NAME_KEYS entry, keyId:base64 (keep it in a secret store)')
    .option('--id <keyId>', 'its key id: 1-32 letters, digits, "_" or "-"', 'k1')
    .action((options: { id: string }) => printNewKey(io, options.id));
  keys
    .command('generate-pseudonym-key')
    .description('print a new PSEUDONYM_KEY, base64 (keep it in a secret store, and never change it)')
    .action(() => {
      io.stdout.write(`${newPseudonymKey()}\n`);
    });
  keys
    .command('status')
    .description('how many stored names are plain text, and how many are under each key')
    .action(() => io.withDatabase(({ dataSource, config }) => printKeyStatus(io, dataSource, config)));
  keys
    .command('encrypt')
    .description('encrypt the names still stored as plain text, under the current (first) key; resumable')
    .option('--batch-size <n>', 'names per transaction', batchSize(), 500)
    .action((options: { batchSize: number }) =>
      io.withDatabase(({ dataSource, config }) => reencrypt(io, dataSource, config, 'plain', options.batchSize)),
    );
  keys
    .command('rotate')
    .description('re-encrypt every name not under the current (first) key, plain ones included; resumable')
    .option('--batch-size <n>', 'names per transaction', batchSize(), 500)
    .addHelpText(
      'after',
      '\nPut the new key first in REAL_NAME_KEYS, keep the old ones after it, restart the servers, then run this.\n' +
        'Once `keys status` shows no name under an old key, remove that key from REAL_NAME_KEYS.',
    )
    .action((options: { batchSize: number }) =>
      io.withDatabase(({ dataSource, config }) => reencrypt(io, dataSource, config, 'not-current', options.batchSize)),
    );
}
