// What a change means for the audit log: one event per thing the account's owner or an auditor cares about,
// with the status before and after, and nothing for a change that moves nothing.
import { StoredRealName } from '../../../src/real-names/real-names';
import { auditEvents } from '../../../src/policy/audit-events';
import { anAccount, aStage } from '../../support/factories';

const rules = { hysteresisRatio: 0.9 };
const stage = aStage({ minFollowers: 1_000_000, noticeDays: 13 });
const other = aStage({ minFollowers: 2_000_000, noticeDays: 7, mode: 'MANDATORY' });
const stages = [stage, other];
const now = new Date('2026-11-25T08:00:00Z');
const notifiedAt = new Date('2026-11-20T08:00:00Z');

const subject = anAccount({ userId: 'u', followerCount: 1_500_000, notifiedAt, notifiedStageId: stage.id });
const events = (before: Parameters<typeof auditEvents>[0], after: Parameters<typeof auditEvents>[1]) =>
  auditEvents(before, after, stages, now, rules);

it('a new account above no threshold is no news', () => {
  expect(events(undefined, anAccount({ userId: 'u', followerCount: 10 }))).toEqual([]);
});

it('a new account that is subject at once is a status change from NOT_SUBJECT', () => {
  expect(events(undefined, anAccount({ userId: 'u', followerCount: 1_500_000 }))).toEqual([
    { event: 'STATUS_CHANGED', oldStatus: 'NOT_SUBJECT', newStatus: 'NOTICE', stageName: stage.name },
  ]);
});

it('the same account again is no news, whatever object holds it', () => {
  expect(events(subject, { ...subject })).toEqual([]);
});

it('a notice is NOTIFIED, the status staying NOTICE', () => {
  const before = { ...subject, notifiedAt: null, notifiedStageId: null };
  expect(events(before, subject)).toEqual([
    { event: 'NOTIFIED', oldStatus: 'NOTICE', newStatus: 'NOTICE', stageName: stage.name },
  ]);
});

it('a notice under another stage is NOTIFIED again', () => {
  const before = { ...subject, followerCount: 2_500_000 };
  const after = { ...before, notifiedAt: now, notifiedStageId: other.id };
  expect(events(before, after).map((audited) => audited.event)).toEqual(['NOTIFIED']);
});

it('consenting is CONSENTED and DISCLOSED', () => {
  expect(events(subject, { ...subject, consent: 'YES', consentAt: now })).toEqual([
    { event: 'CONSENTED', oldStatus: 'NOTICE', newStatus: 'DISCLOSED', stageName: stage.name },
    { event: 'DISCLOSED', oldStatus: 'NOTICE', newStatus: 'DISCLOSED', stageName: stage.name },
  ]);
});

it('withdrawing a consent is WITHDRAWN; refusing is REFUSED; a cleared refusal is REFUSAL_CLEARED', () => {
  const consented = { ...subject, consent: 'YES' as const, consentAt: now };
  const refused = { ...subject, consent: 'NO' as const, consentAt: now };
  expect(events(consented, refused)).toEqual([
    { event: 'WITHDRAWN', oldStatus: 'DISCLOSED', newStatus: 'REFUSED', stageName: stage.name },
  ]);
  expect(events(subject, refused)).toEqual([
    { event: 'REFUSED', oldStatus: 'NOTICE', newStatus: 'REFUSED', stageName: stage.name },
  ]);
  expect(events(refused, { ...refused, consent: 'NONE', consentAt: null })).toEqual([
    { event: 'REFUSAL_CLEARED', oldStatus: 'REFUSED', newStatus: 'NOTICE', stageName: stage.name },
  ]);
});

it('falling out of scope with the notice withdrawn is DROPPED_OUT', () => {
  const after = { ...subject, followerCount: 10, notifiedAt: null, notifiedStageId: null };
  expect(events(subject, after)).toEqual([
    { event: 'DROPPED_OUT', oldStatus: 'NOTICE', newStatus: 'NOT_SUBJECT', stageName: stage.name },
  ]);
});

it('a revoked verification is REAL_NAME_REVOKED, not a name change', () => {
  expect(events(subject, { ...subject, verification: 'REVOKED' })).toEqual([
    { event: 'REAL_NAME_REVOKED', oldStatus: 'NOTICE', newStatus: 'UNVERIFIED', stageName: stage.name },
  ]);
});

it('a new real name is REAL_NAME_CHANGED, and the event never carries the name', () => {
  const audited = events(subject, { ...subject, realName: StoredRealName.fromPlainText('u', 'Another Name') });
  expect(audited).toEqual([
    { event: 'REAL_NAME_CHANGED', oldStatus: 'NOTICE', newStatus: 'NOTICE', stageName: stage.name },
  ]);
  expect(JSON.stringify(audited)).not.toContain('Another Name');
});

it('a status change no field explains (followers crossing a threshold) is STATUS_CHANGED', () => {
  const small = { ...subject, followerCount: 10, notifiedAt: null, notifiedStageId: null };
  expect(events(small, { ...small, followerCount: 1_200_000 })).toEqual([
    { event: 'STATUS_CHANGED', oldStatus: 'NOT_SUBJECT', newStatus: 'NOTICE', stageName: stage.name },
  ]);
});
