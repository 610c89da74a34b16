// A professional record, checked as the import and the events check it: each reason names the field and never
// repeats a value, and dates are read as written (no 30 February).
import { checkProfessionalRecord } from '../../../src/professional/professional-record';

const NOW = new Date('2026-11-25T08:00:00Z');
const check = (value: unknown) => checkProfessionalRecord(value, NOW);

const doctor = {
  userId: 'u-1',
  field: 'MEDICAL',
  title: '执业医师',
  issuer: '国家卫生健康委员会',
  verifiedAt: '2025-01-01T08:00:00+08:00',
  expiresAt: '2030-01-01T00:00:00Z',
};

it('a credential: its fields, its dates as instants, its texts without surrounding white space', () => {
  expect(check({ ...doctor, title: ' 执业医师 ' })).toEqual({
    record: {
      kind: 'qualification',
      userId: 'u-1',
      field: 'MEDICAL',
      title: '执业医师',
      revoked: false,
      issuer: '国家卫生健康委员会',
      verifiedAt: new Date('2025-01-01T00:00:00Z'),
      expiresAt: new Date('2030-01-01T00:00:00Z'),
    },
  });
});

it('a credential without issuer or expiresAt (null or absent)', () => {
  const { issuer: _issuer, ...withoutIssuer } = doctor;
  expect(check({ ...withoutIssuer, expiresAt: null }).record).toMatchObject({ issuer: null, expiresAt: null });
});

it('a revocation needs only the credential it names; the rest of the record is not read', () => {
  expect(check({ userId: 'u-1', field: 'LAW', title: '律师执业证', revoked: true })).toEqual({
    record: { kind: 'qualification', userId: 'u-1', field: 'LAW', title: '律师执业证', revoked: true },
  });
  expect(check({ ...doctor, verifiedAt: 'whenever', revoked: true }).record).toMatchObject({ revoked: true });
  expect(check({ ...doctor, revoked: false }).record).toMatchObject({ revoked: false });
});

it('an MCN agency, with or without since; an empty or null mcnAgency means none', () => {
  expect(check({ userId: 'u-1', mcnAgency: '星河文化传媒', since: '2026-01-01T00:00:00Z' })).toEqual({
    record: { kind: 'mcn-agency', userId: 'u-1', agency: '星河文化传媒', since: new Date('2026-01-01T00:00:00Z') },
  });
  expect(check({ userId: 'u-1', mcnAgency: '星河文化传媒' }).record).toMatchObject({ since: null });
  for (const none of ['', null]) {
    expect(check({ userId: 'u-1', mcnAgency: none })).toEqual({
      record: { kind: 'mcn-agency', userId: 'u-1', agency: null, since: null },
    });
  }
});

const SECRET = 'Zhang San 张三 13800000000';

it.each([
  [[1], 'not a JSON object'],
  [{ ...doctor, userId: undefined }, 'userId is missing'],
  [{ ...doctor, userId: ' u-1' }, 'userId must not start or end with white space'],
  [{ ...doctor, field: 'medical' }, 'field must be one of FINANCE, EDUCATION, MEDICAL, LAW'],
  [{ ...doctor, field: undefined }, 'field is missing'],
  [{ ...doctor, title: undefined }, 'title is missing'],
  [{ ...doctor, title: '   ' }, 'title is empty'],
  [{ ...doctor, title: 'x'.repeat(65) }, 'title is longer than 64 characters'],
  [
    { ...doctor, title: `${SECRET}\u202e` },
    'title contains a control, replacement or bidirectional formatting character',
  ],
  [{ ...doctor, issuer: 7 }, 'issuer must be a string'],
  [{ ...doctor, verifiedAt: undefined }, 'verifiedAt is missing'],
  [{ ...doctor, verifiedAt: '2025-02-30T10:00:00Z' }, /^verifiedAt must be an ISO 8601 date-time with a time zone/],
  [{ ...doctor, verifiedAt: '2025-01-01T24:00:00Z' }, /^verifiedAt must be an ISO 8601 date-time/],
  [{ ...doctor, verifiedAt: '2025-01-01T10:00:00' }, /^verifiedAt must be an ISO 8601 date-time/],
  [{ ...doctor, verifiedAt: SECRET }, /^verifiedAt must be an ISO 8601 date-time/],
  [{ ...doctor, verifiedAt: '1999-12-31T23:59:59Z' }, 'verifiedAt is before 2000-01-01'],
  [{ ...doctor, verifiedAt: '2026-11-25T08:06:00Z' }, 'verifiedAt is in the future'],
  [{ ...doctor, expiresAt: '2025-01-01T00:00:00Z' }, 'expiresAt is not after verifiedAt'],
  [{ ...doctor, expiresAt: 'never' }, /^expiresAt must be an ISO 8601 date-time/],
  [{ ...doctor, revoked: 'yes' }, 'revoked must be true or false'],
  [{ ...doctor, mcnAgency: '星河' }, /^a record is a qualification .* or an MCN agency .*, not both$/],
  [{ userId: 'u-1' }, 'a record needs field and title, or mcnAgency'],
  [{ userId: 'u-1', since: '2026-01-01T00:00:00Z' }, 'since goes with an mcnAgency'],
  [{ userId: 'u-1', mcnAgency: '', since: '2026-01-01T00:00:00Z' }, /^since goes with an mcnAgency/],
  [{ userId: 'u-1', mcnAgency: 'x'.repeat(129) }, 'mcnAgency is longer than 128 characters'],
  [{ userId: 'u-1', mcnAgency: '星河', since: '2027-01-01T00:00:00Z' }, 'since is in the future'],
  [{ ...doctor, [SECRET]: 1 }, /^unknown field: key 7 of 7 \(fields are userId, field, title/],
])('%j is refused: %s', (value, reason) => {
  const checked = check(value);
  expect(checked.error).toEqual(typeof reason === 'string' ? reason : expect.stringMatching(reason));
  expect(checked.error).not.toContain('Zhang');
  expect(checked.error).not.toContain('张三');
});

it('a verifiedAt a little ahead of our clock is accepted (5 minutes)', () => {
  expect(check({ ...doctor, verifiedAt: '2026-11-25T08:04:00Z' }).record).toBeDefined();
});
