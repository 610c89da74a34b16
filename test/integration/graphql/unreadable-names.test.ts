// A real name that cannot be decrypted (its key is not configured, the value was tampered with, or copied from
// another account) fails that account alone, like IDENTITY_UNAVAILABLE: the nickname stands in, the rest of
// the batch is answered, the failure is counted by reason, and nothing crashes. Only names revealed to the
// viewer are decrypted at all.
import { newRealNameKey, RealNameKeys } from '../../../src/crypto/real-name-keys';
import { RealNames } from '../../../src/real-names/real-names';
import { anAccount, insertAccounts } from '../../support/factories';
import { TEST_REAL_NAME_KEYS } from '../../support/real-names';
import { startTestServer, userRef, useTestServer, VERIFIED_VIEWER, type TestServer } from '../../support/server';
import { onTeardown } from '../../support/teardown';

const logLines: string[] = [];
const GONE_KEY = newRealNameKey('gone');
const server = useTestServer({ env: { NOTIFY_INTERVAL_SECONDS: '0' }, logLines });

const disclosed = { followerCount: 2_000_000, consent: 'YES' as const };
const NAMES = {
  fine: 'Fine Name',
  'lost-key': 'Lost Key Name',
  tampered: 'Tampered Name',
  moved: 'Moved Name',
  hidden: 'Hidden Name',
};
const IDS = Object.keys(NAMES) as (keyof typeof NAMES)[];

async function nameColumn(userId: string): Promise<Buffer> {
  const [row] = await server.app.dataSource.query('SELECT real_name_encrypted FROM accounts WHERE user_id = ?', [
    userId,
  ]);
  return row.real_name_encrypted;
}

async function setNameColumn(userId: string, value: Buffer): Promise<void> {
  await server.app.dataSource.query('UPDATE accounts SET real_name_encrypted = ? WHERE user_id = ?', [value, userId]);
}

async function metrics(of: TestServer = server): Promise<string> {
  return (await fetch(`${of.app.url}/metrics`)).text();
}

function metric(text: string, name: string): number {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  return line === undefined ? 0 : Number(line.split(' ')[1]);
}

const refs = () => IDS.map((id) => userRef(id, `nick-${id}`));
const NAME_FIELDS = '... on User { id displayName verifiedRealName }';
const LABEL_FIELDS = '... on User { id identityLabel { status realName } }';

beforeAll(async () => {
  const { dataSource } = server.app;
  await insertAccounts(dataSource, [
    anAccount({ userId: 'fine', realName: NAMES.fine, ...disclosed }),
    anAccount({ userId: 'tampered', realName: NAMES.tampered, ...disclosed }),
    anAccount({ userId: 'moved', realName: NAMES.moved, ...disclosed }),
  ]);
  // Under a key this server does not hold: one account whose name is due, one whose name is not.
  await insertAccounts(
    dataSource,
    [
      anAccount({ userId: 'lost-key', realName: NAMES['lost-key'], ...disclosed }),
      anAccount({ userId: 'hidden', realName: NAMES.hidden, followerCount: 2_000_000 }),
    ],
    new RealNames(RealNameKeys.parse(GONE_KEY)),
  );
  const tampered = await nameColumn('tampered');
  tampered[tampered.length - 20]! ^= 0x40;
  await setNameColumn('tampered', tampered);
  await setNameColumn('moved', await nameColumn('fine')); // a valid value, of another account
});

describe('a name that cannot be decrypted', () => {
  let names: Awaited<ReturnType<TestServer['entities']>>;
  let labels: Awaited<ReturnType<TestServer['entities']>>;
  let before: string;
  beforeAll(async () => {
    before = await metrics();
    names = await server.entities(refs(), NAME_FIELDS, VERIFIED_VIEWER);
    labels = await server.entities(refs(), LABEL_FIELDS, VERIFIED_VIEWER);
  });

  it('fails its own account like IDENTITY_UNAVAILABLE: the nickname stands in, the name is an error', () => {
    expect(names.data!._entities).toEqual([
      { id: 'fine', displayName: 'nick-fine (Fine Name)', verifiedRealName: 'Fine Name' },
      { id: 'lost-key', displayName: 'nick-lost-key', verifiedRealName: null },
      { id: 'tampered', displayName: 'nick-tampered', verifiedRealName: null },
      { id: 'moved', displayName: 'nick-moved', verifiedRealName: null },
      { id: 'hidden', displayName: 'nick-hidden', verifiedRealName: null },
    ]);
    expect(names.errors!.map((error) => [error.path, error.extensions?.code])).toEqual(
      [1, 2, 3].map((index) => [['_entities', index, 'verifiedRealName'], 'IDENTITY_UNAVAILABLE']),
    );
    // identityLabel is non-null: as with the database down, the entity itself is the error.
    expect(labels.data!._entities).toEqual([
      { id: 'fine', identityLabel: { status: 'DISCLOSED', realName: 'Fine Name' } },
      null,
      null,
      null,
      { id: 'hidden', identityLabel: { status: 'NOTICE', realName: null } }, // not due: never opened
    ]);
    expect(labels.errors!.map((error) => error.extensions?.code)).toEqual(Array(3).fill('IDENTITY_UNAVAILABLE'));
  });

  it('is counted by reason; only the names revealed to the viewer are decrypted', async () => {
    const after = await metrics();
    const delta = (name: string) => metric(after, name) - metric(before, name);
    // Two requests: each counts once per account, whatever fields ask for the label.
    expect(delta('identity_real_name_unreadable_total{reason="unknown_key"}')).toBe(2);
    expect(delta('identity_real_name_unreadable_total{reason="not_authentic"}')).toBe(4); // tampered, moved
    expect(delta('identity_real_name_decryptions_total')).toBe(2); // "fine": "hidden" is not due, never opened

    await server.entities(refs(), NAME_FIELDS, {}); // anonymous: REAL_NAME_VIEWERS=verified reveals nothing
    const anonymous = await metrics();
    expect(metric(anonymous, 'identity_real_name_decryptions_total')).toBe(
      metric(after, 'identity_real_name_decryptions_total'),
    );
    expect(metric(anonymous, 'identity_real_name_unreadable_total{reason="unknown_key"}')).toBe(
      metric(after, 'identity_real_name_unreadable_total{reason="unknown_key"}'),
    );
  });

  it('is logged with its reason and key id; no log line, error or metric holds a name or a key', async () => {
    const log = logLines.join('\n');
    const unreadable = logLines.filter((line) => line.includes('real name unreadable'));
    expect(unreadable.some((line) => line.includes('key id \\"gone\\"'))).toBe(true);
    const shown = [log, JSON.stringify(names), JSON.stringify(labels), await metrics()].join('\n');
    for (const name of [NAMES['lost-key'], NAMES.tampered, NAMES.moved, NAMES.hidden])
      expect(shown).not.toContain(name);
    for (const key of [GONE_KEY, TEST_REAL_NAME_KEYS]) expect(shown).not.toContain(key.split(':')[1]);
  });
});

it('an owner whose name cannot be read may still consent; the answer is stored, the label is IDENTITY_UNAVAILABLE', async () => {
  const { body } = await server.post(
    { query: 'mutation { setRealNameConsent(consent: false) { status } }' },
    { 'x-viewer-id': 'lost-key' },
  );
  expect(body.data?.setRealNameConsent).toMatchObject({ status: 'REFUSED' }); // not disclosed: nothing to open
  const again = await server.post(
    { query: 'mutation { setRealNameConsent(consent: true) { status realName } }' },
    { 'x-viewer-id': 'lost-key' },
  );
  expect(again.body.errors?.map((error) => error.extensions?.code)).toEqual(['IDENTITY_UNAVAILABLE']);
  const [row] = await server.app.dataSource.query("SELECT consent FROM accounts WHERE user_id = 'lost-key'");
  expect(row.consent).toBe('YES');
});

describe('a server with the wrong key, or none', () => {
  const others: TestServer[] = [];
  onTeardown(async () => {
    for (const other of others) await other.close();
  });

  it.each([
    ['another key under the same id', { REAL_NAME_KEYS: newRealNameKey('test') }, 'not_authentic'],
    ['no REAL_NAME_KEYS at all', { REAL_NAME_KEYS: undefined }, 'unknown_key'],
  ])('%s: every due name fails alone, nothing crashes', async (_case, env, reason) => {
    const other = await startTestServer({ DATABASE_URL: server.databaseUrl, RUN_MIGRATIONS: 'false', ...env });
    others.push(other);
    const body = await other.entities(refs(), NAME_FIELDS, VERIFIED_VIEWER);
    const entities = body.data!._entities as any[];
    expect(entities.map((entity) => entity.displayName)).toEqual(IDS.map((id) => `nick-${id}`));
    expect(body.errors!.map((error) => error.path?.[1])).toEqual([0, 1, 2, 3]); // the four due names
    expect(metric(await metrics(other), `identity_real_name_unreadable_total{reason="${reason}"}`)).toBeGreaterThan(0);
  });
});
