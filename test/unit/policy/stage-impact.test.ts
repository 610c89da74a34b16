// What a policy change would do, worked out before it is made: the preview `policy add` and `policy retire`
// show before they apply anything.
import { addPolicyChangeImpact, noImpact } from '../../../src/policy/stage-impact';
import { stageProblems } from '../../../src/policy/stage-rules';
import { anAccount, aStage, daysAfter } from '../../support/factories';

const rules = { hysteresisRatio: 0.9 };
const now = new Date('2026-11-25T08:00:00Z');
const expanded = aStage({ name: 'expanded', minFollowers: 500_000, noticeDays: 9 });
const finance = ['finance'];

const accounts = [
  anAccount({ userId: 'small', followerCount: 50_000, category: 'finance' }),
  anAccount({ userId: 'fin-verified', followerCount: 200_000, category: 'finance' }),
  anAccount({ userId: 'fin-consented', followerCount: 200_000, category: 'finance', consent: 'YES', consentAt: now }),
  anAccount({ userId: 'fin-unverified', followerCount: 200_000, category: 'finance', verification: 'UNVERIFIED' }),
  anAccount({ userId: 'art', followerCount: 200_000, category: 'art' }),
  anAccount({ userId: 'big-finance', followerCount: 900_000, category: 'finance' }),
];

function impactOfAdding(stage: ReturnType<typeof aStage>, at: Date) {
  return addPolicyChangeImpact(
    noImpact(),
    accounts,
    { before: [expanded], after: [expanded, stage], stageId: stage.id, at },
    rules,
  );
}

describe('adding a stage', () => {
  it('a MANDATORY stage counts who it would govern and whose names it would show at the end of the notice', () => {
    const from = daysAfter(now, 30);
    const stage = aStage({
      minFollowers: 100_000,
      categories: finance,
      mode: 'MANDATORY',
      noticeDays: 7,
      effectiveFrom: from,
    });
    expect(impactOfAdding(stage, from)).toEqual({
      subjectBefore: 1, // big-finance, under "expanded"
      subjectAfter: 4,
      governedByStage: 4, // a mandatory stage governs over a consent one: big-finance moves to it
      disclosed: 2, // fin-verified and big-finance at the deadline; fin-consented is shown already (voluntarily)
      firstDisclosedAt: daysAfter(from, 7),
      hidden: 0,
    });
  });

  it('a CONSENT stage discloses nobody who has not consented', () => {
    const stage = aStage({
      minFollowers: 100_000,
      categories: finance,
      mode: 'CONSENT',
      effectiveFrom: daysAfter(now, 1),
    });
    expect(impactOfAdding(stage, daysAfter(now, 1))).toMatchObject({ governedByStage: 3, disclosed: 0, hidden: 0 });
  });

  it('a stage for every category with a threshold of 0 would govern everyone: the preview says so', () => {
    const stage = aStage({ minFollowers: 0, mode: 'MANDATORY', noticeDays: 7, effectiveFrom: now });
    expect(impactOfAdding(stage, now)).toMatchObject({ subjectAfter: accounts.length, disclosed: 4 }); // all but the unverified and the consented;
  });
});

describe('retiring a stage', () => {
  it('counts the accounts it lets go and the names it hides again; a consent keeps its name shown', () => {
    const law = aStage({
      minFollowers: 100_000,
      categories: finance,
      mode: 'MANDATORY',
      noticeDays: 7,
      effectiveFrom: new Date('2026-01-01'),
    });
    const told = { notifiedAt: new Date('2026-01-01'), notifiedStageId: law.id };
    const notified = accounts.map((account) =>
      account.followerCount >= 100_000 && account.category === 'finance' ? { ...account, ...told } : account,
    );
    const retired = { ...law, retiredAt: now };
    const impact = addPolicyChangeImpact(
      noImpact(),
      notified,
      { before: [expanded, law], after: [expanded, retired], stageId: law.id, at: now },
      rules,
    );
    expect(impact).toMatchObject({
      subjectBefore: 4,
      subjectAfter: 1, // big-finance goes back to "expanded"
      governedByStage: 4,
      hidden: 2, // fin-verified (mandatory) and big-finance (back under a consent stage, and not consented)
      disclosed: 0,
    });
  });
});

describe('the rules a new stage must meet', () => {
  const rulesOf = { minMandatoryNoticeDays: 7, allowPastStart: false };
  const valid = { ...aStage({ effectiveFrom: daysAfter(now, 1) }), id: undefined };

  it('a valid stage has no problem', () => {
    expect(stageProblems(valid, now, rulesOf)).toEqual([]);
  });

  it.each([
    ['an empty category list', { categories: [] }, /category list is empty/],
    ['a start in the past', { effectiveFrom: daysAfter(now, -1) }, /in the past.*--allow-past-start/],
    ['a mandatory notice under the floor', { mode: 'MANDATORY' as const, noticeDays: 0 }, /at least 7 notice days/],
    ['a name of 65 characters', { name: 'x'.repeat(65) }, /name must be 1-64 characters/],
    ['a name that clears a terminal (ESC[2J)', { name: 'finance\u001b[2J' }, /name must not contain control/],
    ['a name with a line break', { name: 'finance\n2027' }, /name must not contain control/],
    ['a name with a NUL', { name: 'finance\u0000' }, /name must not contain control/],
    ['a name with DEL', { name: 'finance\u007f' }, /name must not contain control/],
    ['a name with a C1 control (CSI, U+009B)', { name: 'finance\u009b2J' }, /name must not contain control/],
  ])('refuses %s', (_case, fields, problem) => {
    expect(stageProblems({ ...valid, ...fields }, now, rulesOf).join('; ')).toMatch(problem);
  });

  it('a name in any script, with spaces and punctuation inside, is fine', () => {
    expect(stageProblems({ ...valid, name: '金融 2027 (第二阶段) \u00a0é' }, now, rulesOf)).toEqual([]);
  });

  it('a past start is fine when asked for explicitly', () => {
    expect(
      stageProblems({ ...valid, effectiveFrom: daysAfter(now, -1) }, now, { ...rulesOf, allowPastStart: true }),
    ).toEqual([]);
  });
});
