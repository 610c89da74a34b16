// The row cache's store: no entry served past its TTL, whatever the generations do, and never more than its bound.
import { ExpiringMap } from '../../../src/db/expiring-map';

const T0 = 1_000_000;

it('serves an entry until its TTL has passed, and never after, across the turns of the generations', () => {
  const map = new ExpiringMap<string>(100, 1000);
  map.set('a', 'first', T0);
  expect(map.get('a', T0 + 99)).toBe('first');
  expect(map.get('a', T0 + 100)).toBeUndefined();
  map.set('b', 'second', T0 + 150); // a turn: 'b' is in the newer generation
  expect(map.get('b', T0 + 240)).toBe('second'); // another turn is due at 250: still served before it
  expect(map.get('b', T0 + 249)).toBe('second');
  expect(map.get('b', T0 + 250)).toBeUndefined();
});

it('stores a value anew with a new expiry, and forgets on delete and clear', () => {
  const map = new ExpiringMap<string>(100, 1000);
  map.set('a', 'old', T0);
  map.set('a', 'new', T0 + 80);
  expect(map.get('a', T0 + 150)).toBe('new');
  map.delete('a');
  expect(map.get('a', T0 + 150)).toBeUndefined();
  map.set('b', 'b', T0 + 150);
  map.clear();
  expect(map.size).toBe(0);
});

it('never holds more than its bound: a full generation turns early', () => {
  const map = new ExpiringMap<number>(60_000, 4);
  for (let index = 0; index < 100; index += 1) {
    map.set(`k${index}`, index, T0 + index);
    expect(map.size).toBeLessThanOrEqual(4);
  }
  expect(map.get('k99', T0 + 100)).toBe(99);
  expect(map.get('k0', T0 + 100)).toBeUndefined();
});

it('moves a live entry out of the previous generation when it is read, and still serves it no longer than its TTL', () => {
  const map = new ExpiringMap<string>(100, 1000);
  map.set('a', 'value', T0);
  map.set('b', 'value', T0 + 50);
  expect(map.get('b', T0 + 120)).toBe('value'); // a turn now: both went to the previous generation; b moves on
  expect(map.get('b', T0 + 160)).toBeUndefined(); // past its TTL, wherever it is held
  map.set('c', 'value', T0 + 230); // the next turn (at 220, 100 after the last) drops the one a stayed in
  expect(map.held('a')).toBeUndefined();
  expect(map.held('b')).toBe('value'); // expired, held until its own generation goes
});

it('holds an expired value for comparison until its generation is dropped, and never serves it', () => {
  const map = new ExpiringMap<string>(100, 1000);
  map.set('a', 'old', T0);
  expect(map.get('a', T0 + 100)).toBeUndefined();
  expect(map.held('a')).toBe('old');
  map.set('a', 'new', T0 + 100);
  expect(map.get('a', T0 + 150)).toBe('new');
  expect(map.held('unknown')).toBeUndefined();
});

it("keeps an entry's note while the same value is stored again, and clears it when another value is", () => {
  const map = new ExpiringMap<object>(100, 1000);
  const row = { facts: 'as read' };
  map.set('a', row, T0).note = 'learnt from row';
  expect(map.set('a', row, T0 + 50).note).toBe('learnt from row'); // read again unchanged: the very object
  expect(map.entry('a', T0 + 120)?.note).toBe('learnt from row'); // moved on from the previous generation
  expect(map.set('a', { facts: 'changed' }, T0 + 130).note).toBeUndefined();
  map.set('b', row, T0 + 130).note = 'noted';
  map.delete('b');
  expect(map.set('b', row, T0 + 140).note).toBeUndefined(); // a new entry starts without one
});
