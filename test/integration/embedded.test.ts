// With no DATABASE_URL the service runs on an in-memory SQLite with demo data: `npm ci && npm start` just works.
import { USER_FIELDS, userRef, useTestServer } from '../support/server';

const server = useTestServer({ env: { DATABASE_URL: undefined } });

it('is ready, and serves a demo account in every status', async () => {
  expect((await fetch(`${server.app.url}/ready`)).status).toBe(200);
  const demoIds = [
    'demo-disclosed',
    'demo-organization',
    'demo-notice',
    'demo-refused',
    'demo-deadline-passed',
    'demo-unverified',
    'demo-small',
    'demo-voluntary',
  ];
  const queriesBefore = server.accountQueries().length;
  const body = await server.entities(
    demoIds.map((id) => userRef(id)),
    USER_FIELDS,
  );
  expect(body.errors).toBeUndefined();
  const statuses = (body.data?._entities as { identityLabel: { status: string } }[]).map(
    (entity) => entity.identityLabel.status,
  );
  expect(statuses).toEqual([
    'DISCLOSED',
    'DISCLOSED',
    'NOTICE',
    'REFUSED',
    'REFUSED',
    'UNVERIFIED',
    'NOT_SUBJECT',
    'DISCLOSED',
  ]);
  expect(server.accountQueries().length - queriesBefore).toBe(1);
});
