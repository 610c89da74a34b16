// A real name as the accounts table holds it, and the one service that seals and opens names. The normal
// form is `real_name_encrypted` (src/crypto/real-name-cipher.ts). A row that `identity-labels keys encrypt` has
// not reached yet, or any row written without REAL_NAME_KEYS (development only), holds plain text in
// `real_name` instead. A row holds one or the other, never both: every write sets the two columns together.
import { inspect } from 'node:util';
import { decryptRealName, encryptRealName, RealNameUnreadableError } from '../crypto/real-name-cipher';
import type { RealNameKeys } from '../crypto/real-name-keys';
import type { SealedRealName } from '../policy/types';

export class StoredRealName implements SealedRealName {
  readonly sealed = true;

  private constructor(
    /** The account the value belongs to: an encrypted value opens only for it. */
    readonly userId: string,
    /** The `real_name` column: plain text, not encrypted yet. */
    readonly plainText: string | null,
    /** The `real_name_encrypted` column. */
    readonly encrypted: Uint8Array | null,
  ) {}

  static fromPlainText(userId: string, text: string): StoredRealName {
    return new StoredRealName(userId, text, null);
  }

  static fromEncrypted(userId: string, encrypted: Uint8Array): StoredRealName {
    return new StoredRealName(userId, null, encrypted);
  }

  /** From a row's two columns; an empty plain name is no name. */
  static fromColumns(userId: string, plainText: string | null, encrypted: Uint8Array | null): StoredRealName | null {
    if (encrypted !== null) return StoredRealName.fromEncrypted(userId, encrypted);
    return plainText === null || plainText === '' ? null : StoredRealName.fromPlainText(userId, plainText);
  }

  // A log line or an error that serializes an account shows that a name is on file, never the name.
  toJSON(): string {
    return '[real name]';
  }

  [inspect.custom](): string {
    return `StoredRealName(${this.encrypted === null ? 'plain' : 'encrypted'})`;
  }
}

/** Sees every decryption on the read path and every name that cannot be read (metrics count them). */
export interface RealNameObserver {
  decrypted(): void;
  unreadable(error: RealNameUnreadableError): void;
}

function stored(name: SealedRealName): StoredRealName {
  if (!(name instanceof StoredRealName)) throw new TypeError('not a real name read from the accounts table');
  return name;
}

export class RealNames {
  /**
   * The text of each name already opened, for as long as the value read from the table lives: a request's
   * own rows, or a row the row cache shares (for its TTL, kept on while it is read again unchanged, forgotten
   * on a change). A changed row is a new value, opened anew; nothing here outlives the row it came with.
   */
  private readonly opened = new WeakMap<StoredRealName, string>();

  constructor(
    /** undefined: names are written as plain text (development without REAL_NAME_KEYS). */
    readonly keys: RealNameKeys | undefined,
    private readonly observer?: RealNameObserver,
  ) {}

  /** A new name for this account: encrypted under the current key, or plain text when there is no key. */
  seal(userId: string, text: string): StoredRealName {
    if (this.keys === undefined) return StoredRealName.fromPlainText(userId, text);
    return StoredRealName.fromEncrypted(userId, encryptRealName(this.keys, userId, text));
  }

  /** The text of a stored name (a RealNameOpener); throws RealNameUnreadableError when it cannot be read. */
  readonly open = (name: SealedRealName): string => {
    const value = stored(name);
    const { userId, plainText, encrypted } = value;
    if (encrypted === null) return plainText ?? '';
    const known = this.opened.get(value);
    if (known !== undefined) return known;
    try {
      const text = decryptRealName(this.keys, userId, encrypted);
      this.observer?.decrypted();
      this.opened.set(value, text);
      return text;
    } catch (error) {
      if (error instanceof RealNameUnreadableError) this.observer?.unreadable(error);
      throw error;
    }
  };

  /** The same name sealed anew: under the current key (`keys encrypt`, `keys rotate`, the demo's seeding). */
  reseal(name: SealedRealName): StoredRealName {
    return this.seal(stored(name).userId, this.open(name));
  }

  /**
   * What this account holds once `text` is its name: the stored value itself when it already reads `text` (an
   * unchanged name keeps its value, so nothing is rewritten or audited), else `text` sealed anew. A stored name
   * that cannot be read is replaced: importing the names again is how a lost key is recovered from.
   */
  keepOrSeal(current: SealedRealName | null, userId: string, text: string): SealedRealName {
    if (current !== null) {
      try {
        if (this.open(current) === text) return current;
      } catch (error) {
        if (!(error instanceof RealNameUnreadableError)) throw error;
      }
    }
    return this.seal(userId, text);
  }
}
