// GET /graphql: in development a browser gets Apollo Sandbox to click through; an operation is never read
// from a URL; production serves no page at all.
import { useTestDatabase } from '../../support/database';
import { startTestServer, type TestServer } from '../../support/server';

const database = useTestDatabase(); // production refuses to start on the embedded demo database

const BROWSER = { accept: 'text/html' };

describe.each([
  ['in development', {}, true],
  ['in production', { NODE_ENV: 'production', ALLOW_UNAUTHENTICATED: 'true' }, false],
])('%s', (_name, env, landingPage) => {
  let server: TestServer;
  beforeAll(async () => {
    // Development: the embedded demo database is enough here.
    server = await startTestServer(landingPage ? env : { ...env, DATABASE_URL: database.url });
  });
  afterAll(async () => {
    await server?.close();
  });

  it(landingPage ? 'GET /graphql opens an HTML landing page' : 'GET /graphql is not found', async () => {
    const response = await fetch(`${server.app.url}/graphql`, { headers: BROWSER });
    if (landingPage) {
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/text\/html/);
      expect(await response.text()).toMatch(/<html/i);
    } else {
      expect(response.status).toBe(404);
    }
  });

  it('never runs an operation sent in the URL', async () => {
    const query = encodeURIComponent('{ disclosurePolicy { name } }');
    const response = await fetch(`${server.app.url}/graphql?query=${query}`, { headers: { accept: '*/*' } });
    expect(response.status).toBe(landingPage ? 405 : 404);
    expect(await response.text()).not.toContain('initial');
  });
});
