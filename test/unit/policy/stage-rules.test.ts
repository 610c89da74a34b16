// The bounds of a stage, whichever door it comes through: a notice too long to be a date, a minimum
// beyond the column, are refused before anything is previewed or stored.
import { MAX_MIN_FOLLOWERS, MAX_NOTICE_DAYS, stageProblems } from '../../../src/policy/stage-rules';
import { aStage } from '../../support/factories';

const NOW = new Date('2026-12-05T00:00:00Z');
const rules = { minMandatoryNoticeDays: 7, allowPastStart: false };
const future = { effectiveFrom: new Date('2027-01-01T00:00:00Z') };

it.each([
  [{ noticeDays: MAX_NOTICE_DAYS + 1 }, /notice must be a whole number of days from 0 to 3650, got 3651/],
  [{ noticeDays: 999_999_999 }, /notice must be/],
  [{ noticeDays: 1.5 }, /notice must be/],
  [{ minFollowers: MAX_MIN_FOLLOWERS + 1 }, /follower minimum must be a whole number from 0 to 2000000000/],
  [{ minFollowers: -1 }, /follower minimum/],
])('refuses %j', (fields, problem) => {
  expect(stageProblems({ ...aStage({ ...future, ...fields }) }, NOW, rules)).toEqual([expect.stringMatching(problem)]);
});

it('accepts the bounds themselves', () => {
  expect(
    stageProblems(aStage({ ...future, noticeDays: MAX_NOTICE_DAYS, minFollowers: MAX_MIN_FOLLOWERS }), NOW, rules),
  ).toEqual([]);
  expect(stageProblems(aStage({ ...future, noticeDays: 0, minFollowers: 0 }), NOW, rules)).toEqual([]);
});
