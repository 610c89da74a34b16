// A policy change is planned (the preview the command shows) and then applied: both pass the same checks, so
// the preview never shows a change that would then be refused, and the running servers are told of a change
// only once it is committed.
import { loadPolicyStages } from '../../../src/db/policy-stages';
import { planAddition, planRetirement } from '../../../src/policy-admin/plan-stage-change';
import {
  addStage,
  retireStage,
  type NewPolicyStage,
  type PolicyChangeContext,
} from '../../../src/policy-admin/policy-stage-admin';
import { useMigratedDatabase } from '../../support/database';
import { anAccount, DAY_MS, insertAccounts } from '../../support/factories';

const database = useMigratedDatabase();
const db = () => database.dataSource;

const rules = { minMandatoryNoticeDays: 7, allowPastStart: false, hysteresisRatio: 0.9 };
const inDays = (days: number) => new Date(Date.now() + days * DAY_MS);

function aNewStage(fields: Partial<NewPolicyStage> = {}): NewPolicyStage {
  return {
    name: 'finance',
    minFollowers: 100_000,
    categories: ['finance'],
    effectiveFrom: inDays(30),
    noticeDays: 7,
    mode: 'MANDATORY',
    ...fields,
  };
}

/** A change made now, counting the times the servers would be told of it. */
function context(cause: string, now = new Date()): PolicyChangeContext & { told: number } {
  const counted = { now, cause, told: 0, onCommitted: () => (counted.told += 1) };
  return counted;
}

beforeAll(async () => {
  await insertAccounts(db(), [
    anAccount({ userId: 'fin-1', followerCount: 200_000, category: 'finance' }),
    anAccount({ userId: 'art-1', followerCount: 200_000, category: 'art' }),
  ]);
});

describe('the plan of an addition refuses what the addition refuses, in the same words', () => {
  it.each([
    [
      'a mandatory stage with too little notice',
      aNewStage({ noticeDays: 3 }),
      'STAGE_INVALID',
      /at least 7 notice days/,
    ],
    ['a start in the past', aNewStage({ effectiveFrom: inDays(-1) }), 'STAGE_INVALID', /in the past/],
    ['a name another stage has', aNewStage({ name: 'initial' }), 'POLICY_REJECTED', /"initial" already exists/],
  ])('%s', async (_case, stage, code, message) => {
    const refusal = await planAddition(db(), stage, rules, new Date()).catch((error: unknown) => error);
    expect(refusal).toMatchObject({ code, message: expect.stringMatching(message) });
    const change = context('test');
    await expect(addStage(db(), stage, rules, change)).rejects.toMatchObject({
      code,
      message: (refusal as Error).message,
    });
    expect(change.told).toBe(0);
  });
});

it('plans an addition as the stage it would store, and what it would do once in force', async () => {
  const stage = aNewStage({ name: 'planned' });
  const plan = await planAddition(db(), stage, rules, new Date());
  expect(plan.stage).toMatchObject({ ...stage, retiredAt: null });
  expect(plan.at).toEqual(stage.effectiveFrom);
  expect(plan.impact).toMatchObject({ governedByStage: 1, disclosed: 1 });
  expect((await loadPolicyStages(db())).map(({ name }) => name)).not.toContain('planned');
});

it('tells the servers once the stage is stored, and once only', async () => {
  const change = context('test add');
  const added = await addStage(db(), aNewStage({ name: 'told' }), rules, change);
  expect(change.told).toBe(1);
  expect((await loadPolicyStages(db())).find(({ name }) => name === 'told')).toEqual(added);
});

it('two additions of one name at once: one is stored, the other is told that the name is taken', async () => {
  const stage = aNewStage({ name: 'raced' });
  const results = await Promise.allSettled([
    addStage(db(), stage, rules, context('first')),
    addStage(db(), stage, rules, context('second')),
  ]);
  expect(results.map(({ status }) => status).sort()).toEqual(['fulfilled', 'rejected']);
  expect(results.find(({ status }) => status === 'rejected')).toMatchObject({
    reason: { code: 'POLICY_REJECTED', message: 'a stage named "raced" already exists' },
  });
});

describe('the plan of a retirement refuses what the retirement refuses, in the same words', () => {
  beforeAll(async () => {
    await addStage(db(), aNewStage({ name: 'retired-already' }), rules, context('test'));
    await retireStage(db(), 'retired-already', inDays(1), context('test'));
  });

  it.each([
    ['a stage that does not exist', 'nothing', () => inDays(1), /there is no stage named "nothing"/],
    ['a time in the past', 'initial', () => inDays(-1), /cannot be retired in the past/],
    ['a stage retired already', 'retired-already', () => inDays(2), /is already retired from/],
  ])('%s', async (_case, name, at, message) => {
    const [now, when] = [new Date(), at()];
    const refusal = await planRetirement(db(), name, when, rules, now).catch((error: unknown) => error);
    expect(refusal).toMatchObject({ code: 'POLICY_REJECTED', message: expect.stringMatching(message) });
    const change = context('test', now);
    await expect(retireStage(db(), name, when, change)).rejects.toMatchObject({
      code: 'POLICY_REJECTED',
      message: (refusal as Error).message,
    });
    expect(change.told).toBe(0);
  });
});

it('plans a retirement as the stage retired, and tells the servers once it is', async () => {
  await addStage(db(), aNewStage({ name: 'to-retire' }), rules, context('test'));
  const at = inDays(40);
  const plan = await planRetirement(db(), 'to-retire', at, rules, new Date());
  expect(plan).toMatchObject({ stage: { name: 'to-retire', retiredAt: at }, at });
  const change = context('test retire');
  await retireStage(db(), 'to-retire', at, change);
  expect(change.told).toBe(1);
});
