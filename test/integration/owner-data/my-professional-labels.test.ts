// The owner's view and copy of its professional labels: every credential held (the expired ones too, marked),
// its MCN agency with since when, and the history of both; through myIdentityData and `accounts export`.
import { runCli } from '../../support/cli';
import { aCredential, storeAgencies, storeCredentials } from '../../support/professional';
import { useTestServer } from '../../support/server';

const NOW = new Date('2026-11-25T12:00:00Z');
const USER = 'owner-1';
const server = useTestServer({ now: NOW });

const MY_LABELS = `{ myIdentityData {
  qualifications { field title issuer label verifiedAt expiresAt inForce }
  mcnAgency { name label since }
  labelHistory { event field title issuer verifiedAt expiresAt agency }
} }`;

beforeAll(async () => {
  const at = new Date('2026-11-20T00:00:00Z');
  await storeCredentials(
    server.app.dataSource,
    [
      aCredential({
        userId: USER,
        expiresAt: new Date('2026-11-01T00:00:00Z'),
        verifiedAt: new Date('2024-11-01T00:00:00Z'),
      }),
      aCredential({ userId: USER, field: 'LAW', title: '律师执业证', issuer: null }),
    ],
    at,
  );
  await storeAgencies(
    server.app.dataSource,
    [{ userId: USER, agency: '星河文化传媒', since: new Date('2026-01-01T00:00:00Z') }],
    at,
  );
  await storeAgencies(server.app.dataSource, [{ userId: USER, agency: '青禾MCN', since: null }], NOW);
});

const expectedQualifications = [
  {
    field: 'LAW',
    title: '律师执业证',
    issuer: null,
    label: '司法：律师执业证',
    verifiedAt: '2025-01-01T00:00:00.000Z',
    expiresAt: null,
    inForce: true,
  },
  {
    field: 'MEDICAL',
    title: '执业医师',
    issuer: '国家卫生健康委员会',
    label: '医疗卫生：执业医师',
    verifiedAt: '2024-11-01T00:00:00.000Z',
    expiresAt: '2026-11-01T00:00:00.000Z',
    inForce: false,
  },
];

const expectedHistory = [
  {
    event: 'QUALIFICATION_GRANTED',
    field: 'MEDICAL',
    title: '执业医师',
    issuer: '国家卫生健康委员会',
    verifiedAt: '2024-11-01T00:00:00.000Z',
    expiresAt: '2026-11-01T00:00:00.000Z',
    agency: null,
  },
  {
    event: 'QUALIFICATION_GRANTED',
    field: 'LAW',
    title: '律师执业证',
    issuer: null,
    verifiedAt: '2025-01-01T00:00:00.000Z',
    expiresAt: null,
    agency: null,
  },
  ...['MCN_JOINED 星河文化传媒', 'MCN_LEFT 星河文化传媒', 'MCN_JOINED 青禾MCN'].map((entry) => {
    const [event, agency] = entry.split(' ');
    return { event, field: null, title: null, issuer: null, verifiedAt: null, expiresAt: null, agency };
  }),
];

it('myIdentityData shows the owner every credential held, the expired one marked, its agency and their history', async () => {
  const { body } = await server.post({ query: MY_LABELS }, { 'x-viewer-id': USER });
  expect(body.errors).toBeUndefined();
  expect(body.data!.myIdentityData).toEqual({
    qualifications: expectedQualifications,
    mcnAgency: { name: '青禾MCN', label: 'MCN机构：青禾MCN', since: NOW.toISOString() },
    labelHistory: expectedHistory,
  });
});

it('another viewer reads only its own, empty, labels', async () => {
  const { body } = await server.post({ query: MY_LABELS }, { 'x-viewer-id': 'someone-else' });
  expect(body.data!.myIdentityData).toEqual({ qualifications: [], mcnAgency: null, labelHistory: [] });
});

it('`accounts export` prints the same', async () => {
  const result = await runCli(['accounts', 'export', USER], { DATABASE_URL: server.databaseUrl! });
  expect(result.code).toBe(0);
  const exported = JSON.parse(result.stdout);
  // The export is decided at the time it runs: the MEDICAL credential expired long before either.
  expect(exported.qualifications).toEqual(expectedQualifications);
  expect(exported.mcnAgency).toEqual({ name: '青禾MCN', label: 'MCN机构：青禾MCN', since: NOW.toISOString() });
  expect(exported.labelHistory.map(({ at: _at, ...entry }: any) => entry)).toEqual(expectedHistory);
});
