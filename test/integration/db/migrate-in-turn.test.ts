// Several instances deployed at once on a new database each run the migrations on start: they take turns,
// so that one migrates and the others start on the result, instead of running the same migration twice.
import { migrations } from '../../../migrations';
import { useTestDatabase } from '../../support/database';
import { startTestServer, type TestServer } from '../../support/server';
import { onTeardown } from '../../support/teardown';

const database = useTestDatabase();
const INSTANCES = 3;

it(`${INSTANCES} instances started together on an empty database all start, and each migration runs once`, async () => {
  const servers: TestServer[] = [];
  onTeardown(async () => {
    for (const server of servers) await server.close();
  });
  const started = await Promise.allSettled(
    Array.from({ length: INSTANCES }, () =>
      startTestServer({ DATABASE_URL: database.url, NOTIFY_INTERVAL_SECONDS: '0' }).then((server) => {
        servers.push(server);
        return server;
      }),
    ),
  );
  expect(started.map((outcome) => outcome.status)).toEqual(Array(INSTANCES).fill('fulfilled'));
  const applied = (await servers[0]!.app.dataSource.query('SELECT name FROM migrations ORDER BY id')) as {
    name: string;
  }[];
  expect(applied.map((row) => row.name)).toEqual(migrations.map((migration) => migration.name));
});
