// The per-request professional label loader's contract: every credential field of a request in one read,
// every MCN agency in another, none for a request (or a post category) that needs none; what is in force
// decided at the moment each field is answered; PROFESSIONAL_LABELS_UNAVAILABLE for every key of a failed
// read. The source is an in-memory stand-in that records every read (integration tests count the SQL).
import type { GraphQLError } from 'graphql';
import { DEFAULT_CATEGORY_FIELDS, parseCategoryFields } from '../../../src/professional/categories';
import type { StoredMcnAgency } from '../../../src/professional/label';
import type { StoredQualification } from '../../../src/professional/qualification';
import { createProfessionalLoader, type ProfessionalSource } from '../../../src/loaders/professional-loader';

const EXPIRES = new Date('2026-12-01T00:00:00Z');
const QUALIFICATIONS: StoredQualification[] = [
  {
    userId: 'u-1',
    field: 'MEDICAL',
    title: '执业医师',
    issuer: null,
    verifiedAt: new Date('2025-01-01T00:00:00Z'),
    expiresAt: EXPIRES,
  },
  {
    userId: 'u-2',
    field: 'LAW',
    title: '律师执业证',
    issuer: '北京市司法局',
    verifiedAt: new Date('2025-01-01T00:00:00Z'),
    expiresAt: null,
  },
];
const AGENCIES: StoredMcnAgency[] = [{ userId: 'u-2', name: '星河', since: new Date('2025-01-01T00:00:00Z') }];

function source(fail?: Error): ProfessionalSource & { reads: [string, string[]][] } {
  const reads: [string, string[]][] = [];
  const answer =
    <Row extends { userId: string }>(table: string, rows: Row[]) =>
    async (ids: readonly string[]) => {
      reads.push([table, [...ids]]);
      if (fail !== undefined) throw fail;
      return rows.filter((row) => ids.includes(row.userId)).reverse();
    };
  return { reads, qualifications: answer('qualifications', QUALIFICATIONS), mcnAgencies: answer('mcn', AGENCIES) };
}

function loaderOn(from: ProfessionalSource, clock: { now: Date }, language: 'zh' | 'en' = 'zh') {
  return createProfessionalLoader({
    source: from,
    clock: () => clock.now,
    language,
    categoryFields: parseCategoryFields(DEFAULT_CATEGORY_FIELDS),
    maxBatchSize: 1000,
  });
}

it('reads the credentials of every account of one tick once, whichever fields ask, and the agencies once more', async () => {
  const from = source();
  const loader = loaderOn(from, { now: new Date('2026-11-25T00:00:00Z') });
  const answers = await Promise.all([
    loader.qualificationsOf('u-1'),
    loader.mayPublishIn('u-2', 'LAW'),
    loader.professionalLabel('u-1', 'Health'),
    loader.professionalLabel('u-3', 'finance'),
    loader.mcnAgencyOf('u-2'),
    loader.mcnAgencyOf('u-1'),
    loader.mayPublishIn('u-1', 'LAW'),
  ]);
  expect(from.reads).toEqual([
    ['qualifications', ['u-1', 'u-2', 'u-3']],
    ['mcn', ['u-2', 'u-1']],
  ]);
  expect(answers).toEqual([
    [
      {
        field: 'MEDICAL',
        title: '执业医师',
        issuer: null,
        label: '医疗卫生：执业医师',
        verifiedAt: QUALIFICATIONS[0]!.verifiedAt,
        expiresAt: EXPIRES,
      },
    ],
    true,
    '医疗卫生：执业医师',
    null,
    { name: '星河', label: 'MCN机构：星河' },
    null,
    false,
  ]);
});

it('reads nothing for a post whose category is in no field', async () => {
  const from = source();
  const loader = loaderOn(from, { now: new Date('2026-11-25T00:00:00Z') });
  expect(await Promise.all([loader.professionalLabel('u-1', 'travel'), loader.professionalLabel('u-1', null)])).toEqual(
    [null, null],
  );
  expect(from.reads).toEqual([]);
});

it('decides at the moment each field is answered: the same rows show a credential before its expiry, not at it', async () => {
  const clock = { now: new Date(EXPIRES.getTime() - 1) };
  const from = source();
  const loader = loaderOn(from, clock);
  expect(await loader.mayPublishIn('u-1', 'MEDICAL')).toBe(true);
  clock.now = EXPIRES;
  expect(await loader.mayPublishIn('u-1', 'MEDICAL')).toBe(false);
  expect(await loader.qualificationsOf('u-1')).toEqual([]);
  expect(await loader.professionalLabel('u-1', 'medical')).toBeNull();
  expect(from.reads).toHaveLength(1); // the request's rows, decided afresh
});

it('prints labels in English when configured', async () => {
  const loader = loaderOn(source(), { now: new Date('2026-11-25T00:00:00Z') }, 'en');
  expect(await loader.professionalLabel('u-2', 'LAW')).toBe('Law: 律师执业证');
  expect(await loader.mcnAgencyOf('u-2')).toEqual({ name: '星河', label: 'MCN agency: 星河' });
});

it('does not ask for an id that could not have been stored', async () => {
  const from = source();
  const loader = loaderOn(from, { now: new Date('2026-11-25T00:00:00Z') });
  expect(await loader.qualificationsOf('x'.repeat(65))).toEqual([]);
  expect(from.reads).toEqual([]);
});

it('a failed read is PROFESSIONAL_LABELS_UNAVAILABLE for every key of it, with no word of the cause', async () => {
  const loader = loaderOn(source(new Error('connect ECONNREFUSED 10.0.0.1:3306')), { now: new Date() });
  const failures = await Promise.allSettled([loader.qualificationsOf('u-1'), loader.mayPublishIn('u-2', 'LAW')]);
  for (const failure of failures) {
    expect(failure.status).toBe('rejected');
    const error = (failure as PromiseRejectedResult).reason as GraphQLError;
    expect(error.extensions.code).toBe('PROFESSIONAL_LABELS_UNAVAILABLE');
    expect(error.message).not.toContain('10.0.0.1');
  }
});
