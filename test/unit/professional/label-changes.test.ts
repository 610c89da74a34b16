// The audit of credentials and MCN agencies: what each change is called, and that no change is no entry.
import type { StoredMcnAgency } from '../../../src/professional/label';
import { mcnAgencyChanges, qualificationChange } from '../../../src/professional/label-changes';
import type { StoredQualification } from '../../../src/professional/qualification';

const doctor: StoredQualification = {
  userId: 'u-1',
  field: 'MEDICAL',
  title: '执业医师',
  issuer: 'A',
  verifiedAt: new Date('2025-01-01T00:00:00Z'),
  expiresAt: new Date('2027-01-01T00:00:00Z'),
};

it.each([
  ['granted', undefined, doctor, 'QUALIFICATION_GRANTED'],
  ['revoked', doctor, undefined, 'QUALIFICATION_REVOKED'],
  [
    'renewed: a new expiresAt',
    doctor,
    { ...doctor, expiresAt: new Date('2029-01-01T00:00:00Z') },
    'QUALIFICATION_RENEWED',
  ],
  ['renewed: no expiresAt any more', doctor, { ...doctor, expiresAt: null }, 'QUALIFICATION_RENEWED'],
  [
    'renewed: verified again',
    doctor,
    { ...doctor, verifiedAt: new Date('2026-01-01T00:00:00Z') },
    'QUALIFICATION_RENEWED',
  ],
  ['updated: another issuer', doctor, { ...doctor, issuer: 'B' }, 'QUALIFICATION_UPDATED'],
])('%s', (_case, before, after, event) => {
  const change = qualificationChange(before, after);
  expect(change?.event).toBe(event);
  // The entry records the credential as it stands after the change (before it, when it is gone).
  expect(change).toMatchObject({ userId: 'u-1', field: 'MEDICAL', title: '执业医师', agency: null });
  expect(change?.expiresAt).toEqual((after ?? before)!.expiresAt);
});

it('the same credential again, or nothing before and after, is no entry', () => {
  expect(qualificationChange(doctor, { ...doctor, verifiedAt: new Date(doctor.verifiedAt) })).toBeUndefined();
  expect(qualificationChange(undefined, undefined)).toBeUndefined();
});

describe('MCN agencies', () => {
  const star: StoredMcnAgency = { userId: 'u-1', name: '星河', since: new Date('2025-01-01T00:00:00Z') };
  const green: StoredMcnAgency = { userId: 'u-1', name: '青禾', since: new Date('2026-01-01T00:00:00Z') };
  const events = (before?: StoredMcnAgency, after?: StoredMcnAgency) =>
    mcnAgencyChanges(before, after).map((change) => `${change.event} ${change.agency}`);

  it('joining, leaving, and moving from one to another (leaving the one, joining the other)', () => {
    expect(events(undefined, star)).toEqual(['MCN_JOINED 星河']);
    expect(events(star, undefined)).toEqual(['MCN_LEFT 星河']);
    expect(events(star, green)).toEqual(['MCN_LEFT 星河', 'MCN_JOINED 青禾']);
  });

  it('the same agency with another since is no entry', () => {
    expect(events(star, { ...star, since: green.since })).toEqual([]);
    expect(events()).toEqual([]);
  });
});
