// The epochs between stage boundaries: within one, the same stages are in force at every instant.
import { stageIsInForce } from '../../../src/policy/disclosure';
import { isWithinEpoch, stageEpochAt } from '../../../src/policy/stage-epoch';
import { aStage } from '../../support/factories';

const at = (iso: string) => new Date(iso).getTime();
const rules = { hysteresisRatio: 0.9 };
const stages = Object.freeze([
  aStage({ effectiveFrom: new Date('2026-01-01T00:00:00Z') }),
  aStage({ effectiveFrom: new Date('2026-06-01T00:00:00Z'), retiredAt: new Date('2026-09-01T00:00:00Z') }),
  aStage({ effectiveFrom: new Date('2027-01-01T00:00:00Z') }),
]);

it('runs from the last boundary at or before now to the next one after it', () => {
  expect(stageEpochAt(stages, rules, at('2026-07-15T00:00:00Z'))).toMatchObject({
    from: at('2026-06-01T00:00:00Z'),
    until: at('2026-09-01T00:00:00Z'), // a retirement is a boundary too
  });
  expect(stageEpochAt(stages, rules, at('2026-06-01T00:00:00Z')).from).toBe(at('2026-06-01T00:00:00Z'));
  expect(stageEpochAt(stages, rules, at('2025-01-01T00:00:00Z')).from).toBe(Number.NEGATIVE_INFINITY);
  expect(stageEpochAt(stages, rules, at('2027-02-01T00:00:00Z')).until).toBe(Number.POSITIVE_INFINITY);
  expect(stageEpochAt([], rules, 0)).toMatchObject({ from: Number.NEGATIVE_INFINITY, until: Number.POSITIVE_INFINITY });
});

it('holds the same stages in force at every instant within it, and only within it', () => {
  const instants = [
    '2025-12-31T23:59:59.999Z',
    '2026-01-01T00:00:00Z',
    '2026-05-31T23:59:59.999Z',
    '2026-06-01T00:00:00Z',
    '2026-08-31T23:59:59.999Z',
    '2026-09-01T00:00:00Z',
    '2026-12-31T23:59:59.999Z',
    '2027-01-01T00:00:00Z',
  ].map(at);
  const inForce = (now: number) => stages.map((stage) => stageIsInForce(stage, new Date(now))).join();
  const within = instants.map((now) => {
    const epoch = stageEpochAt(stages, rules, now);
    const others = instants.filter((other) => isWithinEpoch(epoch, stages, rules, other));
    for (const other of others) expect(inForce(other)).toBe(inForce(now));
    return others.length;
  });
  expect(within).toEqual([1, 2, 2, 2, 2, 2, 2, 1]); // each boundary ends one epoch and starts the next
});

it('is over for another stages array, even with equal contents, and for another hysteresis ratio', () => {
  const epoch = stageEpochAt(stages, rules, at('2026-07-15T00:00:00Z'));
  const later = at('2026-07-16T00:00:00Z');
  expect(isWithinEpoch(epoch, stages, rules, later)).toBe(true);
  expect(isWithinEpoch(epoch, stages, { ...rules }, later)).toBe(true); // the same rules
  expect(isWithinEpoch(epoch, [...stages], rules, later)).toBe(false); // a reload: a new array
  expect(isWithinEpoch(epoch, stages, { hysteresisRatio: 0.8 }, later)).toBe(false);
});

it('counts a retirement and a start at the same instant as one boundary', () => {
  const handover = new Date('2026-03-01T00:00:00Z');
  const relay = [aStage({ retiredAt: handover }), aStage({ effectiveFrom: handover, minFollowers: 500_000 })];
  expect(stageEpochAt(relay, rules, handover.getTime() - 1).until).toBe(handover.getTime());
  expect(stageEpochAt(relay, rules, handover.getTime()).from).toBe(handover.getTime());
});
