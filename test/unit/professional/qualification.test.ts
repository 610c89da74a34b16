// When a credential counts, decided at read time from the stored row and the time: up to the instant before
// its expiresAt, never at or after it; and what that means for mayPublishIn and a post's label.
import { qualificationLabel, mcnAgencyLabel, qualificationOf } from '../../../src/professional/label';
import {
  isInForce,
  mayPublishIn,
  qualificationForField,
  qualificationsInForce,
  PROFESSIONAL_FIELDS,
  type StoredQualification,
} from '../../../src/professional/qualification';

const EXPIRES = new Date('2027-03-01T00:00:00.000Z');
const before = (date: Date, ms = 1) => new Date(date.getTime() - ms);

function aQualification(fields: Partial<StoredQualification> = {}): StoredQualification {
  return {
    userId: 'u-1',
    field: 'MEDICAL',
    title: '执业医师',
    issuer: '国家卫生健康委员会',
    verifiedAt: new Date('2025-01-01T00:00:00Z'),
    expiresAt: EXPIRES,
    ...fields,
  };
}

describe('a credential with an expiresAt', () => {
  const doctor = aQualification();

  it('is in force a millisecond before it', () => {
    expect(isInForce(doctor, before(EXPIRES))).toBe(true);
  });

  it('is not in force at the exact instant, nor after', () => {
    expect(isInForce(doctor, EXPIRES)).toBe(false);
    expect(isInForce(doctor, new Date(EXPIRES.getTime() + 1))).toBe(false);
    expect(qualificationsInForce([doctor], EXPIRES)).toEqual([]);
  });
});

it('a credential without an expiresAt never expires', () => {
  expect(isInForce(aQualification({ expiresAt: null }), new Date('2099-01-01T00:00:00Z'))).toBe(true);
});

describe('mayPublishIn', () => {
  const now = before(EXPIRES);
  it.each(PROFESSIONAL_FIELDS)('%s: false for an account with no credential at all', (field) => {
    expect(mayPublishIn([], field, now)).toBe(false);
  });

  it('true in the field of a credential in force, false in every other field', () => {
    const held = [aQualification()];
    expect(PROFESSIONAL_FIELDS.filter((field) => mayPublishIn(held, field, now))).toEqual(['MEDICAL']);
  });

  it('false once the only credential of the field has expired, from that very instant', () => {
    const held = [aQualification()];
    expect(mayPublishIn(held, 'MEDICAL', before(EXPIRES))).toBe(true);
    expect(mayPublishIn(held, 'MEDICAL', EXPIRES)).toBe(false);
  });

  it('true while another credential of the field is still in force', () => {
    const held = [aQualification(), aQualification({ title: '执业药师', expiresAt: null })];
    expect(mayPublishIn(held, 'MEDICAL', new Date('2030-01-01T00:00:00Z'))).toBe(true);
  });
});

describe('the credential a post in a field is labelled with', () => {
  it('is the most recently verified one in force in that field', () => {
    const older = aQualification({ title: '执业药师', verifiedAt: new Date('2020-01-01T00:00:00Z'), expiresAt: null });
    const newer = aQualification({ verifiedAt: new Date('2026-01-01T00:00:00Z') });
    const law = aQualification({ field: 'LAW', title: '律师执业证', verifiedAt: new Date('2026-06-01T00:00:00Z') });
    expect(qualificationForField([older, law, newer], 'MEDICAL', before(EXPIRES))).toBe(newer);
    expect(qualificationForField([older, law, newer], 'MEDICAL', EXPIRES)).toBe(older);
    expect(qualificationForField([older, newer], 'FINANCE', EXPIRES)).toBeUndefined();
  });
});

it('a profile lists the credentials in force field by field (finance, education, medical, law), the latest first', () => {
  const held = [
    aQualification({ field: 'LAW', title: '律师执业证' }),
    aQualification({ title: 'B', verifiedAt: new Date('2024-01-01T00:00:00Z') }),
    aQualification({ title: 'A', verifiedAt: new Date('2024-01-01T00:00:00Z') }),
    aQualification({ field: 'FINANCE', title: '证券从业资格', expiresAt: before(EXPIRES) }),
    aQualification({ field: 'EDUCATION', title: '教师资格证' }),
  ];
  expect(qualificationsInForce(held, before(EXPIRES)).map((q) => `${q.field} ${q.title}`)).toEqual([
    'EDUCATION 教师资格证',
    'MEDICAL A',
    'MEDICAL B',
    'LAW 律师执业证',
  ]);
});

describe('labels', () => {
  it('print the field as the CAC notice names it, then the title, in Chinese or English', () => {
    expect(qualificationLabel('MEDICAL', '执业医师', 'zh')).toBe('医疗卫生：执业医师');
    expect(qualificationLabel('LAW', '律师执业证', 'zh')).toBe('司法：律师执业证');
    expect(qualificationLabel('FINANCE', '证券从业资格', 'en')).toBe('Finance: 证券从业资格');
    expect(qualificationLabel('EDUCATION', '教师资格证', 'en')).toBe('Education: 教师资格证');
  });

  it('print an MCN agency by its name', () => {
    expect(mcnAgencyLabel('星河文化传媒', 'zh')).toBe('MCN机构：星河文化传媒');
    expect(mcnAgencyLabel('星河文化传媒', 'en')).toBe('MCN agency: 星河文化传媒');
  });

  it('a served credential carries what a profile shows, and never the account id', () => {
    expect(qualificationOf(aQualification(), 'zh')).toEqual({
      field: 'MEDICAL',
      title: '执业医师',
      issuer: '国家卫生健康委员会',
      label: '医疗卫生：执业医师',
      verifiedAt: new Date('2025-01-01T00:00:00Z'),
      expiresAt: EXPIRES,
    });
  });
});
