// The router secret's comparison: only the secret itself, byte for byte, whatever a guess's length.
import { secretCheck } from '../../../src/http/router-auth';

const matches = secretCheck('s3cret-ключ');

it('the secret matches, again and again (the buffer it is written into is reused)', () => {
  expect([matches('s3cret-ключ'), matches('s3cret-ключ')]).toEqual([true, true]);
});

it.each([
  ['a prefix', 's3cret-клю'],
  ['the secret and more', 's3cret-ключx'],
  ['a different case', 'S3CRET-КЛЮЧ'],
  ['one byte off', 's3cret-ключ'.replace('3', '4')],
  ['a character cut in two at the secret length', 's3cret-клюя€'],
  ['empty', ''],
  ['the secret padded with NUL', 's3cret-ключ\u0000'],
])('%s does not match', (_case, guess) => {
  expect(matches(guess)).toBe(false);
  expect(matches('s3cret-ключ')).toBe(true); // a failed guess leaves nothing behind
});

it.each([[undefined], [null], [['s3cret-ключ']], [42]])('%p (not a header value) does not match', (value) => {
  expect(matches(value)).toBe(false);
});
