// A stored name is opened (decrypted) once for as long as the value lives, by the RealNames that holds its key,
// and the text it was opened to never shows in what the value prints or serializes.
import { inspect } from 'node:util';
import { RealNameUnreadableError } from '../../../src/crypto/real-name-cipher';
import { RealNameKeys } from '../../../src/crypto/real-name-keys';
import { RealNames } from '../../../src/real-names/real-names';

function countingRealNames(keys: RealNameKeys) {
  const counts = { decrypted: 0, unreadable: 0 };
  const names = new RealNames(keys, {
    decrypted: () => (counts.decrypted += 1),
    unreadable: () => (counts.unreadable += 1),
  });
  return { names, counts };
}

const { names, counts } = countingRealNames(RealNameKeys.generate('k1'));
const value = names.seal('u-1', 'Zhang Wei');

it('opens a value once however often it is asked, and a new value of the same name anew', () => {
  expect([names.open(value), names.open(value), names.open(value)]).toEqual(['Zhang Wei', 'Zhang Wei', 'Zhang Wei']);
  expect(counts.decrypted).toBe(1);
  expect(names.open(names.seal('u-1', 'Zhang Wei'))).toBe('Zhang Wei');
  expect(counts.decrypted).toBe(2);
});

it('another RealNames, without the key, does not get the text another one opened', () => {
  names.open(value);
  const other = countingRealNames(RealNameKeys.generate('k2'));
  expect(() => other.names.open(value)).toThrow(RealNameUnreadableError);
  expect(other.counts).toEqual({ decrypted: 0, unreadable: 1 });
});

it('an opened value prints, serializes and spreads without its text', () => {
  names.open(value);
  expect(JSON.stringify({ realName: value })).toBe('{"realName":"[real name]"}');
  expect(inspect(value, { showHidden: true, depth: 5 })).not.toContain('Zhang Wei');
  expect(JSON.stringify({ ...value })).not.toContain('Zhang Wei');
  expect(Object.getOwnPropertyNames(value).map((key) => String((value as never)[key]))).not.toContain('Zhang Wei');
});
