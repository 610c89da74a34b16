// Ids are ordered as the database orders them: by code point, which is the order of their UTF-8 bytes.
import fc from 'fast-check';
import { compareCodePoints } from '../../../src/db/ip-location-rows';

const sign = (value: number) => Math.sign(value);

it('puts an astral character after U+FF5E, where UTF-16 units put it before', () => {
  expect('p-\u{1F600}' < 'p-\uFF5E').toBe(true); // what JavaScript's < says
  expect(compareCodePoints('p-\u{1F600}', 'p-\uFF5E')).toBeGreaterThan(0);
  expect(compareCodePoints('p-\uFF5E', 'p-\u{1F600}')).toBeLessThan(0);
});

// Any code point; and a few around the surrogate range, so that many pairs share a prefix and differ after it.
const id = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.string({
    unit: fc.constantFrom('a', '\uD7FF', '\uE000', '\uFF5E', '\u{10000}', '\u{1F600}', '\u{10FFFF}'),
    maxLength: 6,
  }),
);

it('agrees with the order of the UTF-8 bytes for any well-formed ids', () => {
  fc.assert(
    fc.property(id, id, (a, b) => {
      expect(sign(compareCodePoints(a, b))).toBe(sign(Buffer.compare(Buffer.from(a), Buffer.from(b))));
    }),
    { numRuns: 5000 },
  );
});

it('says equal only for equal ids, and a prefix comes first', () => {
  expect(compareCodePoints('p-1', 'p-1')).toBe(0);
  expect(compareCodePoints('p-1', 'p-10')).toBeLessThan(0);
  expect(compareCodePoints('p-\u{1F600}', 'p-\u{1F600}x')).toBeLessThan(0);
});
