// One real name, encrypted: it reads back only for its own account, under a configured key, untouched; and the
// stored form says which format and key it is under, and nothing else.
import {
  decryptRealName,
  encryptRealName,
  keyIdOf,
  MAX_ENCRYPTED_BYTES,
  RealNameUnreadableError,
} from '../../../src/crypto/real-name-cipher';
import { newRealNameKey, RealNameKeys } from '../../../src/crypto/real-name-keys';

const oldKey = newRealNameKey('k1');
const newKey = newRealNameKey('k2');
const keys = RealNameKeys.parse(oldKey);
const NAME = 'Zhang Wei 张伟';

function unreadable(read: () => unknown): RealNameUnreadableError {
  try {
    read();
  } catch (error) {
    if (error instanceof RealNameUnreadableError) return error;
    throw error;
  }
  throw new Error('expected the name to be unreadable');
}

it('reads back for its own account', () => {
  expect(decryptRealName(keys, 'u-1', encryptRealName(keys, 'u-1', NAME))).toBe(NAME);
});

it('holds no readable trace of the name, and a fresh nonce each time: the same name twice is two values', () => {
  const first = encryptRealName(keys, 'u-1', NAME);
  const second = encryptRealName(keys, 'u-1', NAME);
  expect(first.equals(second)).toBe(false);
  expect(first.subarray(4, 16).equals(second.subarray(4, 16))).toBe(false); // the nonces
  for (const value of [first, second]) {
    expect(value.toString('latin1')).not.toContain('Zhang');
    expect(value.toString('utf8')).not.toContain('张伟');
  }
});

it('names its format version and its key in the clear, and is the size of the name plus 30 bytes and the key id', () => {
  const value = encryptRealName(keys, 'u-1', 'Li Si');
  expect([value[0], value[1], value.subarray(2, 4).toString('ascii')]).toEqual([1, 2, 'k1']);
  expect(keyIdOf(value)).toBe('k1');
  expect(value.length).toBe(2 + 2 + 12 + 'Li Si'.length + 16);
});

it('a value copied onto another account does not decrypt', () => {
  const value = encryptRealName(keys, 'u-1', NAME);
  expect(unreadable(() => decryptRealName(keys, 'u-2', value))).toMatchObject({ reason: 'not_authentic', keyId: 'k1' });
});

it('any byte changed, anywhere, and the value does not decrypt', () => {
  const value = encryptRealName(keys, 'u-1', NAME);
  for (let index = 0; index < value.length; index += 1) {
    const tampered = Buffer.from(value);
    tampered[index]! ^= 0x01;
    const error = unreadable(() => decryptRealName(keys, 'u-1', tampered));
    expect(['not_authentic', 'malformed', 'unknown_key']).toContain(error.reason);
  }
});

it('a value cut short, or of another format version, is malformed', () => {
  const value = encryptRealName(keys, 'u-1', NAME);
  expect(unreadable(() => decryptRealName(keys, 'u-1', value.subarray(0, 20))).reason).toBe('malformed');
  expect(unreadable(() => decryptRealName(keys, 'u-1', Buffer.from([2, ...value.subarray(1)]))).reason).toBe(
    'malformed',
  );
  expect(unreadable(() => decryptRealName(keys, 'u-1', Buffer.from('Zhang Wei'))).reason).toBe('malformed');
  const strangeId = Buffer.from(value);
  strangeId[2] = 0x0a; // a key id byte that no key id has (a newline): not echoed in a log or a terminal
  expect(unreadable(() => decryptRealName(keys, 'u-1', strangeId))).toMatchObject({
    reason: 'malformed',
    keyId: undefined,
  });
});

it('under a key that is not configured (or with no keys at all), says which key id is missing', () => {
  const value = encryptRealName(RealNameKeys.parse(newKey), 'u-1', NAME);
  const error = unreadable(() => decryptRealName(keys, 'u-1', value));
  expect(error).toMatchObject({ reason: 'unknown_key', keyId: 'k2' });
  expect(error.message).toBe(
    'a stored real name cannot be read: it is encrypted under a key that REAL_NAME_KEYS does not hold (key id "k2")',
  );
  expect(unreadable(() => decryptRealName(undefined, 'u-1', value)).reason).toBe('unknown_key');
});

it('a different key under the same id does not decrypt', () => {
  const value = encryptRealName(RealNameKeys.parse(newRealNameKey('k1')), 'u-1', NAME);
  expect(unreadable(() => decryptRealName(keys, 'u-1', value)).reason).toBe('not_authentic');
});

it('after a rotation, the new key encrypts and the old one still decrypts', () => {
  const old = encryptRealName(keys, 'u-1', NAME);
  const rotated = RealNameKeys.parse(`${newKey},${oldKey}`);
  const fresh = encryptRealName(rotated, 'u-1', NAME);
  expect(keyIdOf(fresh)).toBe('k2');
  expect(decryptRealName(rotated, 'u-1', old)).toBe(NAME);
  expect(decryptRealName(rotated, 'u-1', fresh)).toBe(NAME);
});

it('the longest name the import accepts fits the column', () => {
  const longest = '张'.repeat(255); // 255 UTF-16 units (the import's limit) at 3 UTF-8 bytes each: the most bytes
  const value = encryptRealName(RealNameKeys.parse(newRealNameKey('k'.repeat(32))), 'u-1', longest);
  expect(value.length).toBeLessThanOrEqual(MAX_ENCRYPTED_BYTES);
});

it('an error names the reason and the key id, never the name', () => {
  const value = encryptRealName(keys, 'u-1', NAME);
  const error = unreadable(() => decryptRealName(keys, 'u-2', value));
  expect(`${error.message} ${JSON.stringify(error)}`).not.toMatch(/Zhang|张/);
});
