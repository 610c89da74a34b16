// One real name, encrypted with AES-256-GCM (Node's own crypto): a fresh random 96-bit nonce per value, and
// the account's user id as associated data, so a ciphertext copied onto another account does not decrypt.
// The stored form names its format version and its key, so keys can rotate:
//
//   version (1 byte) | key id length (1 byte) | key id (ASCII) | nonce (12 bytes) | ciphertext | tag (16 bytes)
//
// The header (version and key id) is authenticated with the user id: none of it can be changed unnoticed.
import { createCipheriv, createDecipheriv, randomFillSync } from 'node:crypto';
import { KEY_ID, type RealNameKeys } from './real-name-keys';

export const FORMAT_VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** The stored form's size limit (the column is VARBINARY(1024)); a 255-character name needs at most ~830. */
export const MAX_ENCRYPTED_BYTES = 1024;

/** Why a stored name cannot be read: the value of the metric label and of the error's `reason`. */
export type UnreadableReason = 'unknown_key' | 'not_authentic' | 'malformed';

const REASONS: Record<UnreadableReason, string> = {
  unknown_key: 'it is encrypted under a key that REAL_NAME_KEYS does not hold',
  not_authentic:
    'it does not decrypt: it was changed, copied from another account, or the key under its id is not the one it was encrypted with',
  malformed: 'it is not in a format this version knows',
};

/** A stored real name that cannot be decrypted. Its message names the reason and the key id, never a name or key. */
export class RealNameUnreadableError extends Error {
  override name = 'RealNameUnreadableError';

  constructor(
    readonly reason: UnreadableReason,
    /** The key id the value names, when it names one. */
    readonly keyId?: string,
  ) {
    super(`a stored real name cannot be read: ${REASONS[reason]}${keyId === undefined ? '' : ` (key id "${keyId}")`}`);
  }
}

/**
 * Nonces come from the operating system's CSPRNG in bulk: one randomFillSync per 256 values costs a fraction
 * of a randomBytes(12) call per value. Each slice is used once, then overwritten by the next fill.
 */
const noncePool = Buffer.alloc(NONCE_BYTES * 256);
let nonceOffset = noncePool.length;

function nextNonce(): Buffer {
  if (nonceOffset === noncePool.length) {
    randomFillSync(noncePool);
    nonceOffset = 0;
  }
  const nonce = noncePool.subarray(nonceOffset, nonceOffset + NONCE_BYTES);
  nonceOffset += NONCE_BYTES;
  return nonce;
}

/** The header every value under this key starts with (`keys rotate` finds the names not under it). */
export function headerFor(keyId: string): Buffer {
  const id = Buffer.from(keyId, 'ascii');
  return Buffer.concat([Buffer.from([FORMAT_VERSION, id.length]), id]);
}

const headers = new Map<string, Buffer>();

function cachedHeader(keyId: string): Buffer {
  let header = headers.get(keyId);
  if (header === undefined) headers.set(keyId, (header = headerFor(keyId)));
  return header;
}

/** The associated data: the header, then the user id. Both are length-delimited, so no two pairs collide. */
function associatedData(header: Uint8Array, userId: string): Buffer {
  const data = Buffer.allocUnsafe(header.length + Buffer.byteLength(userId, 'utf8'));
  data.set(header);
  data.write(userId, header.length, 'utf8');
  return data;
}

/** Encrypts one account's real name under the current key. */
export function encryptRealName(keys: RealNameKeys, userId: string, name: string): Buffer {
  const keyId = keys.currentId;
  const header = cachedHeader(keyId);
  const nonce = nextNonce();
  const cipher = createCipheriv('aes-256-gcm', keys.key(keyId)!, nonce);
  cipher.setAAD(associatedData(header, userId));
  const plaintext = Buffer.from(name, 'utf8');
  const length = header.length + NONCE_BYTES + plaintext.length + TAG_BYTES;
  if (length > MAX_ENCRYPTED_BYTES) throw new Error(`an encrypted real name would exceed ${MAX_ENCRYPTED_BYTES} bytes`);
  const sealed = Buffer.allocUnsafe(length);
  sealed.set(header);
  sealed.set(nonce, header.length);
  sealed.set(cipher.update(plaintext), header.length + NONCE_BYTES);
  cipher.final(); // GCM is a stream mode: nothing is held back
  sealed.set(cipher.getAuthTag(), length - TAG_BYTES);
  return sealed;
}

/** The key id a stored value names, or undefined when it is not a value of a known format. */
export function keyIdOf(sealed: Uint8Array): string | undefined {
  if (sealed.length < 2 || sealed[0] !== FORMAT_VERSION) return undefined;
  const idLength = sealed[1]!;
  if (idLength === 0 || sealed.length < 2 + idLength + NONCE_BYTES + TAG_BYTES) return undefined;
  const keyId = Buffer.from(sealed.buffer, sealed.byteOffset + 2, idLength).toString('latin1');
  return KEY_ID.test(keyId) ? keyId : undefined; // never echo bytes that are not a key id (a log, a terminal)
}

/** Decrypts one account's stored real name; throws RealNameUnreadableError when it cannot. */
export function decryptRealName(keys: RealNameKeys | undefined, userId: string, sealed: Uint8Array): string {
  const keyId = keyIdOf(sealed);
  if (keyId === undefined) throw new RealNameUnreadableError('malformed');
  const key = keys?.key(keyId);
  if (key === undefined) throw new RealNameUnreadableError('unknown_key', keyId);
  const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.length);
  const headerEnd = 2 + keyId.length;
  const bodyEnd = bytes.length - TAG_BYTES;
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(headerEnd, headerEnd + NONCE_BYTES));
  decipher.setAAD(associatedData(bytes.subarray(0, headerEnd), userId));
  decipher.setAuthTag(bytes.subarray(bodyEnd));
  const name = decipher.update(bytes.subarray(headerEnd + NONCE_BYTES, bodyEnd));
  try {
    decipher.final(); // checks the tag: until it passes, `name` is not to be trusted
  } catch {
    throw new RealNameUnreadableError('not_authentic', keyId);
  }
  return name.toString('utf8');
}
