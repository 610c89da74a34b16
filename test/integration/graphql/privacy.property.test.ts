// End to end, through HTTP and MySQL: for random accounts, stages, moments and viewers, no response ever
// carries a real name that is not due, in any field.
import fc from 'fast-check';
import { AccountsTable } from '../../../src/db/tables';
import type { RealNameViewers, Viewer } from '../../../src/policy/types';
import {
  accountArbitrary,
  instant,
  nicknameArbitrary,
  stagesArbitrary,
  viewerArbitrary,
} from '../../support/arbitraries';
import { useTestDatabase } from '../../support/database';
import { insertAccounts, replaceStages } from '../../support/factories';
import { realNameMayBeShown, realNameMustBeShown } from '../../support/privacy-oracle';
import { plainRealNames, textOf } from '../../support/real-names';
import { startTestServer, USER_FIELDS, type TestServer } from '../../support/server';
import { onTeardown } from '../../support/teardown';

const SETTINGS: RealNameViewers[] = ['anyone', 'signed-in', 'verified'];
const OWNERS = ['acct-0', 'acct-1', 'acct-2', 'acct-3', 'acct-4', 'acct-5'];
const POST_FIELDS = '... on Post { id displayName verifiedRealName }';

const database = useTestDatabase();
const servers = new Map<RealNameViewers, TestServer>();

beforeAll(async () => {
  for (const setting of SETTINGS) {
    servers.set(setting, await startTestServer({ DATABASE_URL: database.url, REAL_NAME_VIEWERS: setting }));
  }
});
onTeardown(async () => {
  for (const server of servers.values()) await server.close();
});

function viewerHeaders(viewer: Viewer): Record<string, string> {
  if (viewer.id === null) return {};
  return { 'x-viewer-id': viewer.id, 'x-viewer-verified': String(viewer.verified) };
}

const scenario = fc.record({
  accounts: fc
    .integer({ min: 1, max: OWNERS.length })
    .chain((count) => fc.tuple(...OWNERS.slice(0, count).map((id) => accountArbitrary(id)))),
  stages: stagesArbitrary,
  now: instant(),
  viewer: viewerArbitrary(OWNERS),
  setting: fc.constantFrom(...SETTINGS),
  nickname: nicknameArbitrary,
});

it('no response carries a real name that is not due', async () => {
  await fc.assert(
    fc.asyncProperty(scenario, async ({ accounts, stages, now, viewer, setting, nickname }) => {
      const server = servers.get(setting)!;
      const dataSource = server.app.dataSource;
      await dataSource.getRepository(AccountsTable).clear();
      await replaceStages(dataSource, stages);
      await server.app.stageCache.refresh();
      server.now = now;
      // The stages the server decides from, with the ids the database gave them; the accounts' notified
      // stage (1-4 in the generator) is mapped onto those, so that notices and hysteresis do apply.
      const storedStages = server.app.stageCache.current();
      const stored = accounts.map((account) => ({
        ...account,
        notifiedStageId:
          account.notifiedStageId === null ? null : (storedStages[account.notifiedStageId - 1]?.id ?? null),
      }));
      await insertAccounts(dataSource, stored);

      const representations = accounts.flatMap((account, index) => [
        { __typename: 'User', id: account.userId, nickname },
        { __typename: 'Post', id: `post-${index}`, author: { id: account.userId, nickname } },
      ]);
      const { text, body } = await server.post(
        {
          query: `query($r: [_Any!]!) { _entities(representations: $r) { ${USER_FIELDS} ${POST_FIELDS} } }`,
          variables: { r: representations },
        },
        viewerHeaders(viewer),
      );
      expect(body.errors).toBeUndefined();

      for (const account of stored) {
        const name = textOf(account.realName, plainRealNames);
        if (name === null) continue;
        const mayShow = realNameMayBeShown(account, [...storedStages], now, viewer, setting);
        if (!mayShow) expect(text).not.toContain(name);
        if (realNameMustBeShown(account, viewer, setting)) expect(text).toContain(name);
      }
    }),
    { numRuns: 150 },
  );
});
