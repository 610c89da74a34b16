// GET /graphql: in development a browser gets GraphiQL, served whole by the subgraph itself (it works
// offline), set up as a verified viewer with a query over the demo accounts; an operation is never read from a
// URL; production serves no page at all.
import { useTestDatabase } from '../../support/database';
import { startTestServer, type TestServer } from '../../support/server';

const database = useTestDatabase(); // production refuses to start on the embedded demo database

const BROWSER = { accept: 'text/html' };

/** What the page loads: the src of its scripts and the href of its style sheets. */
function referencedFiles(html: string): { url: string; kind: 'script' | 'stylesheet' }[] {
  const scripts = [...html.matchAll(/<script\b[^>]*\bsrc="([^"]*)"/g)].map(([, url]) => ({
    url: url!,
    kind: 'script',
  }));
  const sheets = [...html.matchAll(/<link\b[^>]*\bhref="([^"]*)"/g)].map(([, url]) => ({
    url: url!,
    kind: 'stylesheet',
  }));
  return [...scripts, ...sheets] as { url: string; kind: 'script' | 'stylesheet' }[];
}

/** The page's settings: the JSON its own script hands to GraphiQL. */
function pageSettings(html: string): { query: string; headers: string } {
  const json = /<script type="application\/json" id="graphiql-settings">([\s\S]*?)<\/script>/.exec(html)?.[1];
  return JSON.parse(json ?? 'null');
}

describe('in development', () => {
  let server: TestServer;
  let html: string;
  beforeAll(async () => {
    server = await startTestServer({}); // the embedded demo database
    const response = await fetch(`${server.app.url}/graphql`, { headers: BROWSER });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html\b/);
    html = await response.text();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('GET /graphql opens GraphiQL, which needs no other host: every file it loads is served here', async () => {
    expect(html).toMatch(/<html/i);
    expect(html).not.toMatch(/https?:|["'(]\/\//); // no absolute or protocol-relative URL
    const files = referencedFiles(html);
    expect(files.map(({ kind }) => kind).sort()).toEqual(['script', 'script', 'script', 'stylesheet']);
    for (const { url, kind } of files) {
      const response = await fetch(new URL(url, `${server.app.url}/graphql`));
      expect({ url, status: response.status }).toEqual({ url, status: 200 });
      expect(response.headers.get('content-type')).toMatch(kind === 'script' ? /^text\/javascript\b/ : /^text\/css\b/);
      expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    }
  });

  it('presets the headers of a verified viewer and a query over the demo accounts, which runs as it stands', async () => {
    const { query, headers } = pageSettings(html);
    const viewer = JSON.parse(headers) as Record<string, string>;
    expect(viewer).toEqual({ 'x-viewer-id': expect.any(String), 'x-viewer-verified': 'true' });
    const response = await server.post({ query }, viewer);
    expect(response.body.errors).toBeUndefined();
    const accounts = response.body.data!._entities as { id: string; verifiedRealName: string | null }[];
    expect(accounts.map(({ id }) => id)).toContain('demo-disclosed');
    expect(accounts.find(({ id }) => id === 'demo-disclosed')!.verifiedRealName).not.toBeNull();
  });

  it('serves only the files the page names: anything else under /graphql/assets is not found', async () => {
    for (const path of ['unknown.js', '..%2F..%2Fpackage.json', '%2E%2E/%2E%2E/package.json', 'graphiql.js/..']) {
      const response = await fetch(`${server.app.url}/graphql/assets/${path}`);
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
    }
  });

  it('never runs an operation sent in the URL', async () => {
    const query = encodeURIComponent('{ disclosurePolicy { name } }');
    const response = await fetch(`${server.app.url}/graphql?query=${query}`, { headers: { accept: '*/*' } });
    expect(response.status).toBe(405);
    expect(await response.text()).not.toContain('initial');
  });
});

describe('in production', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      NODE_ENV: 'production',
      ALLOW_UNAUTHENTICATED: 'true',
      DATABASE_URL: database.url,
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('GET /graphql and the page files are not found', async () => {
    for (const path of ['/graphql', '/graphql/assets/graphiql.js']) {
      const response = await fetch(`${server.app.url}${path}`, { headers: BROWSER });
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
    }
  });

  it('never runs an operation sent in the URL', async () => {
    const query = encodeURIComponent('{ disclosurePolicy { name } }');
    const response = await fetch(`${server.app.url}/graphql?query=${query}`, { headers: { accept: '*/*' } });
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('initial');
  });
});
