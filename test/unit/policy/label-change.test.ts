import { deadlineLabelChange, labelChange } from '../../../src/policy/label-change';
import { anAccount, aStage, daysAfter } from '../../support/factories';

const rules = { hysteresisRatio: 0.9 };
const consent = aStage({ name: 'consent', minFollowers: 500_000, noticeDays: 9, mode: 'CONSENT' });
const mandatory = aStage({ name: 'mandatory', minFollowers: 500_000, noticeDays: 9, mode: 'MANDATORY' });
const notifiedAt = new Date('2026-11-01T00:00:00Z');
const deadline = daysAfter(notifiedAt, 9);
const justBefore = new Date(deadline.getTime() - 1);
const notified = (stage: typeof consent, fields: Parameters<typeof anAccount>[0] = {}) =>
  anAccount({ followerCount: 600_000, notifiedAt, notifiedStageId: stage.id, ...fields });

describe('labelChange', () => {
  it('is the label after a write that moved its status or restricted, and null for one that moved neither', () => {
    const before = anAccount({ followerCount: 10 });
    expect(labelChange(before, { ...before, followerCount: 11 }, [consent], notifiedAt, rules)).toBeNull();
    expect(labelChange(before, notified(consent), [consent], notifiedAt, rules)).toEqual({
      status: 'NOTICE',
      restricted: false,
      stageName: 'consent',
      noticeDeadline: deadline,
    });
  });
});

describe('deadlineLabelChange: what a notice deadline passing did to the label, with no write', () => {
  it('a verified account that did not answer is REFUSED and restricted from the deadline under a consent stage', () => {
    const account = notified(consent);
    expect(deadlineLabelChange(account, [consent], justBefore, rules)).toBeNull();
    expect(deadlineLabelChange(account, [consent], deadline, rules)).toEqual({
      status: 'REFUSED',
      restricted: true,
      stageName: 'consent',
      noticeDeadline: deadline,
    });
  });

  it('is DISCLOSED under a mandatory stage, and an unverified account stays UNVERIFIED but restricted', () => {
    const later = daysAfter(deadline, 3);
    expect(deadlineLabelChange(notified(mandatory), [mandatory], later, rules)).toMatchObject({
      status: 'DISCLOSED',
      restricted: false,
    });
    expect(
      deadlineLabelChange(notified(consent, { verification: 'UNVERIFIED' }), [consent], later, rules),
    ).toMatchObject({
      status: 'UNVERIFIED',
      restricted: true,
    });
  });

  it('is null when the deadline changed nothing: an answer given before it, or no notice at all', () => {
    const later = daysAfter(deadline, 3);
    const consented = notified(consent, { consent: 'YES', consentAt: notifiedAt });
    expect(deadlineLabelChange(consented, [consent], later, rules)).toBeNull();
    expect(
      deadlineLabelChange(notified(consent, { consent: 'NO', consentAt: notifiedAt }), [consent], later, rules),
    ).toBeNull();
    expect(deadlineLabelChange(anAccount({ followerCount: 600_000 }), [consent], later, rules)).toBeNull();
  });

  it('counts the notice from the day its stage came into force, as the deadline does', () => {
    const future = aStage({ minFollowers: 500_000, noticeDays: 9, effectiveFrom: daysAfter(notifiedAt, 5) });
    const account = notified(future);
    expect(deadlineLabelChange(account, [future], daysAfter(notifiedAt, 13), rules)).toBeNull();
    expect(deadlineLabelChange(account, [future], daysAfter(notifiedAt, 14), rules)).toMatchObject({
      status: 'REFUSED',
    });
  });
});
