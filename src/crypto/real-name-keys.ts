// The keys real names are encrypted with, from REAL_NAME_KEYS: `keyId:base64-of-32-bytes`, comma-separated.
// The first one encrypts; every one decrypts, so a key can be retired once `identity-labels keys rotate` has
// moved every name off it. The key bytes live only in Node KeyObjects, held in a private field: a key ring
// logs, prints and serializes as its key ids alone.
import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { inspect } from 'node:util';

export const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const KEY_BYTES = 32;
/** Standard base64 of exactly 32 bytes (Buffer.from would silently skip characters it does not know). */
const BASE64_KEY = /^[A-Za-z0-9+/]{43}=$/;

export const REAL_NAME_KEYS_FORMAT =
  'keyId:base64-of-32-bytes, comma-separated (a key id is 1-32 letters, digits, "_" or "-")';

/**
 * What is wrong with a REAL_NAME_KEYS value, or undefined. Entries are named by position only: a value
 * that is wrong may still hold a key, and nothing of it is echoed.
 */
export function realNameKeysProblem(text: string): string | undefined {
  const entries = text.split(',').map((entry) => entry.trim());
  const seen = new Map<string, number>();
  for (const [index, entry] of entries.entries()) {
    const colon = entry.indexOf(':');
    const id = entry.slice(0, colon);
    const key = entry.slice(colon + 1);
    if (colon < 0 || !KEY_ID.test(id) || !BASE64_KEY.test(key)) {
      return `entry ${index + 1} is not ${REAL_NAME_KEYS_FORMAT}`;
    }
    const earlier = seen.get(id);
    if (earlier !== undefined) return `entries ${earlier + 1} and ${index + 1} have the same key id`;
    seen.set(id, index);
  }
  return undefined;
}

export class RealNameKeys {
  readonly #keys: ReadonlyMap<string, KeyObject>;
  /** The key every new name is encrypted under: the first one listed. */
  readonly currentId: string;

  private constructor(keys: Map<string, KeyObject>, currentId: string) {
    this.#keys = keys;
    this.currentId = currentId;
  }

  /** Parses REAL_NAME_KEYS; throws an Error without any of the value when realNameKeysProblem finds one. */
  static parse(text: string): RealNameKeys {
    const problem = realNameKeysProblem(text);
    if (problem !== undefined) throw new Error(problem);
    const keys = new Map<string, KeyObject>();
    for (const entry of text.split(',').map((part) => part.trim())) {
      const colon = entry.indexOf(':');
      keys.set(entry.slice(0, colon), createSecretKey(Buffer.from(entry.slice(colon + 1), 'base64')));
    }
    return new RealNameKeys(keys, keys.keys().next().value as string);
  }

  /** A fresh random key under this id, alone in its ring (the embedded demo's key, made per run). */
  static generate(id: string): RealNameKeys {
    return RealNameKeys.parse(newRealNameKey(id));
  }

  /** The key under this id, or undefined when it is not configured. */
  key(id: string): KeyObject | undefined {
    return this.#keys.get(id);
  }

  /** Every configured key id, the current one first. */
  get ids(): string[] {
    return [...this.#keys.keys()];
  }

  toJSON(): { currentId: string; ids: string[] } {
    return { currentId: this.currentId, ids: this.ids };
  }

  [inspect.custom](): string {
    return `RealNameKeys(${this.ids.join(', ')})`;
  }
}

/** One REAL_NAME_KEYS entry with a fresh random key: `id:base64`. */
export function newRealNameKey(id: string): string {
  if (!KEY_ID.test(id)) throw new Error('a key id is 1-32 letters, digits, "_" or "-"');
  return `${id}:${randomBytes(KEY_BYTES).toString('base64')}`;
}
