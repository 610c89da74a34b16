// Moves stored real names onto the current key, a batch at a time: `identity-labels keys encrypt` (rows still
// in plain text) and `keys rotate` (those, and every name under another key). Each batch is one short
// transaction: its rows are locked and re-read, each name is opened and sealed anew, and one UPDATE writes
// both name columns of every row at once, so a reader sees a row plain or encrypted, never half. Interrupted,
// it loses at most the batch in flight; run again, it finds what is left and carries on.
import type { DataSource } from 'typeorm';
import { FORMAT_VERSION, headerFor, keyIdOf, RealNameUnreadableError } from '../crypto/real-name-cipher';
import type { RealNameKeys } from '../crypto/real-name-keys';
import type { AccountFacts } from '../policy/types';
import { placeholders } from '../db/account-rows';
import { lockAccounts } from '../db/account-writes';
import { StoredRealName, type RealNames } from '../real-names/real-names';

/** `plain`: names not encrypted yet. `not-current`: those, and names under any key but the current one. */
export type ReencryptScope = 'plain' | 'not-current';

export interface ReencryptProgress {
  /** Names now under the current key. */
  reencrypted: number;
  /** Names that could not be read, left as they are (see onUnreadable). */
  unreadable: number;
}

export interface ReencryptOptions {
  scope: ReencryptScope;
  batchSize: number;
  onBatch?: (progress: ReencryptProgress) => void;
  /** A name that cannot be opened (its key is not configured, it was tampered with): it stays as it is. */
  onUnreadable?: (userId: string, error: RealNameUnreadableError) => void;
}

/** The rows of the scope, as a WHERE condition and its parameters. */
function inScope(scope: ReencryptScope, keys: RealNameKeys): { where: string; parameters: unknown[] } {
  const plain = "real_name IS NOT NULL AND real_name <> ''";
  if (scope === 'plain') return { where: plain, parameters: [] };
  const header = headerFor(keys.currentId);
  return {
    where: `((${plain}) OR (real_name_encrypted IS NOT NULL AND SUBSTR(real_name_encrypted, 1, ?) <> ?))`,
    parameters: [header.length, header],
  };
}

function needsReencryption(account: AccountFacts, scope: ReencryptScope, keys: RealNameKeys): boolean {
  const name = account.realName;
  if (!(name instanceof StoredRealName)) return false;
  if (name.encrypted === null) return true;
  return scope === 'not-current' && keyIdOf(name.encrypted) !== keys.currentId;
}

/** How many rows the scope holds now (the progress total). */
export async function countToReencrypt(
  dataSource: DataSource,
  scope: ReencryptScope,
  keys: RealNameKeys,
): Promise<number> {
  const { where, parameters } = inScope(scope, keys);
  const [row] = (await dataSource.query(`SELECT COUNT(*) AS n FROM accounts WHERE ${where}`, parameters)) as [
    { n: number | string },
  ];
  return Number(row.n);
}

export async function reencryptRealNames(
  dataSource: DataSource,
  realNames: RealNames,
  options: ReencryptOptions,
): Promise<ReencryptProgress> {
  const keys = realNames.keys;
  if (keys === undefined) throw new Error('REAL_NAME_KEYS is not set: there is no key to encrypt under');
  const { where, parameters } = inScope(options.scope, keys);
  const progress: ReencryptProgress = { reencrypted: 0, unreadable: 0 };
  let after = '';
  for (;;) {
    // Read without a lock: the batch is locked and re-read below, in its own short transaction.
    const batch = (
      (await dataSource.query(`SELECT user_id FROM accounts WHERE user_id > ? AND ${where} ORDER BY user_id LIMIT ?`, [
        after,
        ...parameters,
        options.batchSize,
      ])) as { user_id: string }[]
    ).map((row) => row.user_id);
    const last = batch.at(-1);
    if (last === undefined) return progress;
    await dataSource.transaction(async (manager) => {
      const reencrypted: [string, Uint8Array][] = [];
      for (const account of (await lockAccounts(manager, batch)).values()) {
        if (!needsReencryption(account, options.scope, keys)) continue; // another writer got there first
        try {
          reencrypted.push([account.userId, realNames.reseal(account.realName!).encrypted!]);
        } catch (error) {
          if (!(error instanceof RealNameUnreadableError)) throw error;
          progress.unreadable += 1;
          options.onUnreadable?.(account.userId, error);
        }
      }
      if (reencrypted.length === 0) return;
      await manager.query(
        `UPDATE accounts SET real_name = NULL, real_name_encrypted = CASE user_id ${reencrypted.map(() => 'WHEN ? THEN ?').join(' ')} END ` +
          `WHERE user_id IN (${placeholders(reencrypted.length)})`,
        [...reencrypted.flat(), ...reencrypted.map(([userId]) => userId)],
      );
      progress.reencrypted += reencrypted.length;
    });
    after = last;
    options.onBatch?.({ ...progress });
  }
}

export interface StoredNameCounts {
  plainText: number;
  /** Encrypted names by the key id they name; a malformed value counts under "?". */
  byKeyId: Map<string, number>;
}

/** How the stored names stand: how many are plain text, how many under each key (`keys status`). MySQL only. */
export async function countStoredNames(dataSource: DataSource): Promise<StoredNameCounts> {
  const [plain] = (await dataSource.query(
    'SELECT COUNT(*) AS n FROM accounts WHERE real_name IS NOT NULL AND real_name_encrypted IS NULL',
  )) as [{ n: number | string }];
  // The header: a version byte, the key id's length, the key id (src/crypto/real-name-cipher.ts).
  const encrypted = (await dataSource.query(
    `SELECT ORD(SUBSTR(real_name_encrypted, 1, 1)) AS version, SUBSTR(real_name_encrypted, 3, ORD(SUBSTR(real_name_encrypted, 2, 1))) AS key_id, COUNT(*) AS n
     FROM accounts WHERE real_name_encrypted IS NOT NULL GROUP BY version, key_id`,
  )) as { version: number; key_id: Buffer; n: number | string }[];
  const byKeyId = new Map<string, number>();
  for (const row of encrypted) {
    const keyId = row.version === FORMAT_VERSION ? row.key_id.toString('ascii') : '?';
    byKeyId.set(keyId, (byKeyId.get(keyId) ?? 0) + Number(row.n));
  }
  return { plainText: Number(plain.n), byKeyId };
}
