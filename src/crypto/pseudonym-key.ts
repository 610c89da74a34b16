// The key erased accounts are remembered under (PSEUDONYM_KEY): an erased user id survives only as
// HMAC-SHA256(key, id), in the tombstone that keeps it from being imported again and in place of the id in
// its audit entries. Without the key a pseudonym cannot be tied back to an id, not even by trying every id
// the platform has. The key bytes live in a KeyObject in a private field: it logs and serializes as nothing.
import { createHmac, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { inspect } from 'node:util';

const KEY_BYTES = 32;
/** Standard base64 of exactly 32 bytes (Buffer.from would silently skip characters it does not know). */
const BASE64_KEY = /^[A-Za-z0-9+/]{43}=$/;

export const PSEUDONYM_KEY_FORMAT = 'base64 of 32 random bytes';

/** What is wrong with a PSEUDONYM_KEY value, or undefined; nothing of the value is echoed. */
export function pseudonymKeyProblem(text: string): string | undefined {
  return BASE64_KEY.test(text) ? undefined : `must be ${PSEUDONYM_KEY_FORMAT}`;
}

export class PseudonymKey {
  readonly #key: KeyObject;

  private constructor(key: KeyObject) {
    this.#key = key;
  }

  static parse(text: string): PseudonymKey {
    const problem = pseudonymKeyProblem(text);
    if (problem !== undefined) throw new Error(`PSEUDONYM_KEY ${problem}`);
    return new PseudonymKey(createSecretKey(Buffer.from(text, 'base64')));
  }

  /** A user id's pseudonym: 43 characters of base64url, the same for the same id under the same key. */
  of(userId: string): string {
    return createHmac('sha256', this.#key).update(userId, 'utf8').digest('base64url');
  }

  toJSON(): string {
    return '[pseudonym key]';
  }

  [inspect.custom](): string {
    return 'PseudonymKey([hidden])';
  }
}

/** A fresh PSEUDONYM_KEY value. */
export function newPseudonymKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}
