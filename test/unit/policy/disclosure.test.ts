import {
  decideDisclosure,
  governingStage,
  noticeDeadline,
  stageIsInForce,
  stageWasEverInForce,
} from '../../../src/policy/disclosure';
import { anAccount, aStage, daysAfter } from '../../support/factories';

const rules = { hysteresisRatio: 0.9 };
const initial = aStage({
  name: 'initial',
  minFollowers: 1_000_000,
  effectiveFrom: new Date('2023-10-30T16:00:00Z'),
  noticeDays: 13,
});
const expanded = aStage({
  name: 'expanded',
  minFollowers: 500_000,
  effectiveFrom: new Date('2023-12-21T16:00:00Z'),
  noticeDays: 9,
});
const stages = [initial, expanded];
const now = new Date('2026-11-25T08:00:00Z');

describe('who is subject', () => {
  it('an account under every threshold is NOT_SUBJECT and not restricted', () => {
    const decision = decideDisclosure(anAccount({ followerCount: 499_999 }), stages, now, rules);
    expect(decision).toMatchObject({ status: 'NOT_SUBJECT', stage: null, restricted: false, noticeDeadline: null });
  });

  it('an unknown account is NOT_SUBJECT', () => {
    expect(decideDisclosure(undefined, stages, now, rules).status).toBe('NOT_SUBJECT');
  });

  it('an account at exactly the minimum is subject, from the day the stage is in force', () => {
    const account = anAccount({ followerCount: 500_000 });
    expect(decideDisclosure(account, stages, new Date('2023-12-21T15:59:59Z'), rules).status).toBe('NOT_SUBJECT');
    expect(decideDisclosure(account, stages, new Date('2023-12-21T16:00:00Z'), rules)).toMatchObject({
      status: 'NOTICE',
      stage: expanded,
    });
  });

  it('a stage limited to categories covers only accounts in them', () => {
    const finance = aStage({ minFollowers: 100_000, categories: ['finance', 'law'] });
    expect(governingStage(anAccount({ followerCount: 200_000, category: 'finance' }), [finance], now, rules)).toBe(
      finance,
    );
    expect(governingStage(anAccount({ followerCount: 200_000, category: 'travel' }), [finance], now, rules)).toBeNull();
    expect(governingStage(anAccount({ followerCount: 200_000, category: null }), [finance], now, rules)).toBeNull();
  });

  it('an empty category list covers every category', () => {
    const everyone = aStage({ minFollowers: 100, categories: [] });
    expect(governingStage(anAccount({ followerCount: 100, category: 'cooking' }), [everyone], now, rules)).toBe(
      everyone,
    );
  });

  it('a MANDATORY stage governs over a CONSENT one, then the earliest in force', () => {
    const mandatory = aStage({
      minFollowers: 800_000,
      mode: 'MANDATORY',
      effectiveFrom: new Date('2025-01-01T00:00:00Z'),
    });
    const account = anAccount({ followerCount: 2_000_000 });
    expect(governingStage(account, stages, now, rules)).toBe(initial);
    expect(governingStage(account, [...stages, mandatory], now, rules)).toBe(mandatory);
  });

  it('a scheduled stage does not apply before it starts', () => {
    const future = aStage({ minFollowers: 10, effectiveFrom: daysAfter(now, 1) });
    expect(governingStage(anAccount({ followerCount: 1000 }), [future], now, rules)).toBeNull();
  });
});

describe('hysteresis', () => {
  const notifiedAt = new Date('2026-01-01T00:00:00Z');

  it('a notified account stays subject down to 90% of the minimum', () => {
    const account = anAccount({ followerCount: 450_000, notifiedAt, notifiedStageId: expanded.id });
    expect(decideDisclosure(account, stages, now, rules).stage).toBe(expanded);
  });

  it('a notified account drops out below 90% of the minimum', () => {
    const account = anAccount({ followerCount: 449_999, notifiedAt, notifiedStageId: expanded.id });
    expect(decideDisclosure(account, stages, now, rules).status).toBe('NOT_SUBJECT');
  });

  it('an account never notified gets no slack', () => {
    expect(decideDisclosure(anAccount({ followerCount: 450_000 }), stages, now, rules).status).toBe('NOT_SUBJECT');
  });

  it('the margin belongs to the stage the account was notified under, not to a stricter one it never reached', () => {
    const finance = aStage({ minFollowers: 1_000_000, categories: ['finance'], mode: 'MANDATORY' });
    const account = anAccount({
      followerCount: 950_000,
      category: 'finance',
      notifiedAt,
      notifiedStageId: expanded.id,
    });
    expect(governingStage(account, [expanded, finance], now, rules)).toBe(expanded);
  });

  it('the ratio is configurable', () => {
    const account = anAccount({ followerCount: 450_000, notifiedAt, notifiedStageId: expanded.id });
    expect(decideDisclosure(account, stages, now, { hysteresisRatio: 0.95 }).status).toBe('NOT_SUBJECT');
  });
});

describe('notice deadline', () => {
  it('is notified-at plus the stage notice days', () => {
    expect(noticeDeadline(new Date('2026-01-01T00:00:00Z'), expanded)).toEqual(new Date('2026-01-10T00:00:00Z'));
  });

  it('is unknown until the account is notified', () => {
    expect(noticeDeadline(null, expanded)).toBeNull();
  });

  it('does not start before the stage is in force', () => {
    const later = aStage({ effectiveFrom: new Date('2027-01-01T00:00:00Z'), noticeDays: 5 });
    expect(noticeDeadline(new Date('2026-01-01T00:00:00Z'), later)).toEqual(new Date('2027-01-06T00:00:00Z'));
  });
});

describe('statuses over time, CONSENT stage', () => {
  const notifiedAt = new Date('2026-11-01T00:00:00Z');
  const deadline = new Date('2026-11-10T00:00:00Z'); // expanded: 9 days
  const subject = (fields = {}) =>
    anAccount({ followerCount: 600_000, notifiedAt, notifiedStageId: expanded.id, ...fields });

  it('NOTICE before notification, with no deadline yet', () => {
    expect(decideDisclosure(subject({ notifiedAt: null }), stages, now, rules)).toMatchObject({
      status: 'NOTICE',
      noticeDeadline: null,
      restricted: false,
    });
  });

  it('NOTICE while the notice runs, with its deadline', () => {
    expect(decideDisclosure(subject(), stages, new Date('2026-11-09T23:59:59Z'), rules)).toMatchObject({
      status: 'NOTICE',
      noticeDeadline: deadline,
      restricted: false,
    });
  });

  it('REFUSED and restricted once the deadline passes unanswered', () => {
    expect(decideDisclosure(subject(), stages, deadline, rules)).toMatchObject({ status: 'REFUSED', restricted: true });
  });

  it('DISCLOSED from the consent, even after the deadline', () => {
    const consentAt = new Date('2026-11-15T00:00:00Z');
    expect(decideDisclosure(subject({ consent: 'YES', consentAt }), stages, now, rules)).toMatchObject({
      status: 'DISCLOSED',
      disclosedSince: consentAt,
      restricted: false,
    });
  });

  it('REFUSED and restricted as soon as the account answers no', () => {
    expect(decideDisclosure(subject({ consent: 'NO' }), stages, new Date('2026-11-02T00:00:00Z'), rules)).toMatchObject(
      { status: 'REFUSED', restricted: true },
    );
  });

  it('UNVERIFIED without a verified name, restricted only after the deadline', () => {
    const unverified = subject({ verification: 'UNVERIFIED' });
    expect(decideDisclosure(unverified, stages, new Date('2026-11-02T00:00:00Z'), rules)).toMatchObject({
      status: 'UNVERIFIED',
      restricted: false,
    });
    expect(decideDisclosure(unverified, stages, deadline, rules)).toMatchObject({
      status: 'UNVERIFIED',
      restricted: true,
    });
  });

  it('a REVOKED name counts as none, even with consent', () => {
    expect(decideDisclosure(subject({ verification: 'REVOKED', consent: 'YES' }), stages, now, rules).status).toBe(
      'UNVERIFIED',
    );
  });

  it('a VERIFIED status without a name on file counts as none', () => {
    expect(decideDisclosure(subject({ realName: null, consent: 'YES' }), stages, now, rules).status).toBe('UNVERIFIED');
  });
});

describe('a stage the account was not told about', () => {
  it('sets no deadline, so nothing is due under it until notify tells the account', () => {
    const mandatory = aStage({
      minFollowers: 500_000,
      mode: 'MANDATORY',
      noticeDays: 1,
      effectiveFrom: new Date('2025-01-01T00:00:00Z'),
    });
    const toldUnderExpanded = anAccount({
      followerCount: 600_000,
      notifiedAt: new Date('2024-06-01T00:00:00Z'),
      notifiedStageId: expanded.id,
      consent: 'NO',
    });
    expect(decideDisclosure(toldUnderExpanded, [expanded, mandatory], now, rules)).toMatchObject({
      stage: mandatory,
      noticeDeadline: null,
      status: 'REFUSED',
    });
    const toldUnderMandatory = { ...toldUnderExpanded, notifiedStageId: mandatory.id };
    expect(decideDisclosure(toldUnderMandatory, [expanded, mandatory], now, rules).status).toBe('DISCLOSED');
  });
});

describe('statuses over time, MANDATORY stage', () => {
  const mandatory = aStage({
    minFollowers: 500_000,
    mode: 'MANDATORY',
    noticeDays: 7,
    effectiveFrom: new Date('2024-01-01T00:00:00Z'),
  });
  const notifiedAt = new Date('2026-11-01T00:00:00Z');
  const deadline = new Date('2026-11-08T00:00:00Z');
  const subject = (fields = {}) =>
    anAccount({ followerCount: 600_000, notifiedAt, notifiedStageId: mandatory.id, ...fields });

  it('NOTICE before the deadline, DISCLOSED from the deadline without consent', () => {
    expect(decideDisclosure(subject(), [mandatory], new Date('2026-11-07T00:00:00Z'), rules).status).toBe('NOTICE');
    expect(decideDisclosure(subject(), [mandatory], deadline, rules)).toMatchObject({
      status: 'DISCLOSED',
      disclosedSince: deadline,
      restricted: false,
    });
  });

  it('a refusal does not stop a mandatory disclosure at the deadline', () => {
    expect(
      decideDisclosure(subject({ consent: 'NO' }), [mandatory], new Date('2026-11-07T00:00:00Z'), rules).status,
    ).toBe('REFUSED');
    expect(decideDisclosure(subject({ consent: 'NO' }), [mandatory], deadline, rules).status).toBe('DISCLOSED');
  });

  it('never discloses a name that is not verified', () => {
    expect(decideDisclosure(subject({ verification: 'UNVERIFIED' }), [mandatory], deadline, rules)).toMatchObject({
      status: 'UNVERIFIED',
      restricted: true,
    });
  });
});

describe('voluntary disclosure', () => {
  it('a verified account under the threshold that consented is DISCLOSED with no stage', () => {
    const consentAt = new Date('2026-06-01T00:00:00Z');
    const account = anAccount({ followerCount: 1000, consent: 'YES', consentAt });
    expect(decideDisclosure(account, stages, now, rules)).toMatchObject({
      status: 'DISCLOSED',
      stage: null,
      disclosedSince: consentAt,
      noticeDeadline: null,
    });
  });

  it('an unverified account that consented stays NOT_SUBJECT', () => {
    expect(
      decideDisclosure(
        anAccount({ followerCount: 1000, consent: 'YES', verification: 'UNVERIFIED' }),
        stages,
        now,
        rules,
      ).status,
    ).toBe('NOT_SUBJECT');
  });
});

describe('a retired stage', () => {
  const retiredAt = new Date('2026-11-20T00:00:00Z');
  const law = aStage({ name: 'law', minFollowers: 100_000, mode: 'MANDATORY', noticeDays: 7, retiredAt });
  const notified = anAccount({
    followerCount: 200_000,
    notifiedAt: new Date('2026-01-01T00:00:00Z'),
    notifiedStageId: law.id,
  });

  it('governs until it is retired, and nobody from then on', () => {
    expect(stageIsInForce(law, new Date(retiredAt.getTime() - 1))).toBe(true);
    expect(stageIsInForce(law, retiredAt)).toBe(false);
    expect(decideDisclosure(notified, [law], new Date(retiredAt.getTime() - 1), rules)).toMatchObject({
      status: 'DISCLOSED',
      disclosedBecause: 'MANDATORY_DEADLINE',
    });
    expect(decideDisclosure(notified, [law], now, rules)).toMatchObject({ status: 'NOT_SUBJECT', stage: null });
  });

  it('hides the name again unless the account consented (then it is a voluntary disclosure)', () => {
    const consented = { ...notified, consent: 'YES' as const, consentAt: new Date('2026-02-01T00:00:00Z') };
    expect(decideDisclosure(consented, [law], now, rules)).toMatchObject({
      status: 'DISCLOSED',
      disclosedBecause: 'VOLUNTARY',
      stage: null,
    });
  });

  it('leaves the accounts to another stage that covers them', () => {
    const wide = { ...notified, followerCount: 600_000 };
    expect(governingStage(wide, [law, expanded], now, rules)?.name).toBe('expanded');
  });

  it('stays history: it was in force, unless it was retired before it began', () => {
    expect(stageWasEverInForce(law, now)).toBe(true);
    const never = aStage({
      effectiveFrom: new Date('2027-01-01T00:00:00Z'),
      retiredAt: new Date('2026-12-01T00:00:00Z'),
    });
    expect(stageWasEverInForce(never, new Date('2028-01-01T00:00:00Z'))).toBe(false);
  });
});

describe('why a name is disclosed', () => {
  it('CONSENT under a stage, VOLUNTARY under none, MANDATORY_DEADLINE at a mandatory deadline; null otherwise', () => {
    const mandatory = aStage({ minFollowers: 100_000, mode: 'MANDATORY', noticeDays: 7 });
    const told = anAccount({
      followerCount: 200_000,
      notifiedAt: new Date('2026-01-01'),
      notifiedStageId: mandatory.id,
    });
    // 200,000 followers: no stage of the default policy governs it; its consent is a voluntary disclosure.
    expect(decideDisclosure({ ...told, consent: 'YES', consentAt: now }, stages, now, rules).disclosedBecause).toBe(
      'VOLUNTARY',
    );
    const subject = anAccount({ followerCount: 2_000_000, consent: 'YES', consentAt: now });
    expect(decideDisclosure(subject, stages, now, rules).disclosedBecause).toBe('CONSENT');
    const refused = { ...told, consent: 'NO' as const, consentAt: now };
    expect(decideDisclosure(refused, [mandatory], now, rules)).toMatchObject({
      status: 'DISCLOSED',
      disclosedBecause: 'MANDATORY_DEADLINE',
    });
    expect(decideDisclosure(anAccount({ followerCount: 2_000_000 }), stages, now, rules).disclosedBecause).toBeNull();
  });
});
