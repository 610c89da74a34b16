// The development page: in a browser, GET /graphql opens GraphiQL, set up as a verified viewer with a query
// over the demo accounts. Every file it loads is served from here, out of node_modules (graphiql, react and
// react-dom: devDependencies), so the page works offline. Production never registers it.
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';

const ASSETS = '/graphql/assets';
const JAVASCRIPT = 'text/javascript; charset=utf-8';

/** The files the page loads, by the name it asks for: the package that ships each one and where. */
const PAGE_FILES = {
  'react.js': { packageName: 'react', file: 'umd/react.production.min.js', type: JAVASCRIPT },
  'react-dom.js': { packageName: 'react-dom', file: 'umd/react-dom.production.min.js', type: JAVASCRIPT },
  'graphiql.js': { packageName: 'graphiql', file: 'graphiql.min.js', type: JAVASCRIPT },
  'graphiql.css': { packageName: 'graphiql', file: 'graphiql.min.css', type: 'text/css; charset=utf-8' },
} as const;

type PageFile = keyof typeof PAGE_FILES;

/** The demo accounts as the router asks for them: each User representation carries the users subgraph's nickname. */
const DEMO_NICKNAMES = {
  'demo-disclosed': 'weiwei',
  'demo-organization': 'hz-evening',
  'demo-notice': 'nana',
  'demo-refused': 'fangfang',
  'demo-deadline-passed': 'yangyang',
  'demo-unverified': 'jingjing',
  'demo-small': 'leilei',
  'demo-voluntary': 'lili',
};

const EXAMPLE_QUERY = `# The demo accounts, as the router asks for them: a User
# representation each, with the nickname the users subgraph owns.
# The headers below make a verified viewer, who sees disclosed
# real names; without x-viewer-verified, verifiedRealName is null.
query DemoAccounts {
  disclosurePolicy { name minFollowers effectiveFrom mode }
  _entities(
    representations: [
${Object.entries(DEMO_NICKNAMES)
  .map(([id, nickname]) => `      { __typename: "User", id: "${id}", nickname: "${nickname}" }`)
  .join('\n')}
    ]
  ) {
    ... on User {
      id
      displayName
      verifiedRealName
      identityLabel { status restricted noticeDeadline disclosedBecause stage { name } }
    }
  }
}
`;

/** What the page hands GraphiQL (JSON in the page, read by its script). */
const SETTINGS = {
  url: '/graphql',
  query: EXAMPLE_QUERY,
  headers: JSON.stringify({ 'x-viewer-id': 'viewer-1', 'x-viewer-verified': 'true' }, null, 2),
};

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>identity-labels: GraphiQL (development)</title>
    <link rel="stylesheet" href="${ASSETS}/graphiql.css" />
    <style>html, body, #graphiql { height: 100%; margin: 0; }</style>
  </head>
  <body>
    <div id="graphiql">Loading GraphiQL...</div>
    <script src="${ASSETS}/react.js"></script>
    <script src="${ASSETS}/react-dom.js"></script>
    <script src="${ASSETS}/graphiql.js"></script>
    <script type="application/json" id="graphiql-settings">${JSON.stringify(SETTINGS).replace(/</g, '\\u003c')}</script>
    <script>
      const settings = JSON.parse(document.getElementById('graphiql-settings').textContent);
      ReactDOM.createRoot(document.getElementById('graphiql')).render(
        React.createElement(GraphiQL, {
          fetcher: GraphiQL.createFetcher({ url: settings.url }),
          defaultQuery: settings.query,
          defaultHeaders: settings.headers,
          shouldPersistHeaders: false,
          defaultEditorToolsVisibility: 'headers',
        }),
      );
    </script>
  </body>
</html>
`;

/** Where a package is installed; throws when it is not. */
export type LocatePackage = (packageName: string) => string;

const installedPackage: LocatePackage = (packageName) => dirname(require.resolve(`${packageName}/package.json`));

/** The path of each page file, or undefined when a package is missing (a production install in development). */
export function locatePageFiles(locate: LocatePackage = installedPackage): Record<PageFile, string> | undefined {
  try {
    const entries = Object.entries(PAGE_FILES).map(([name, { packageName, file }]) => [
      name,
      join(locate(packageName), file),
    ]);
    return Object.fromEntries(entries) as Record<PageFile, string>;
  } catch {
    return undefined;
  }
}

/**
 * GET /graphql (the page) and GET /graphql/assets/<name> (only the names above: nothing of the URL reaches a
 * file path). An operation sent by GET is refused: its query and variables would sit in URLs and logs.
 */
export function registerDevelopmentPage(fastify: FastifyInstance, log: Logger, locate?: LocatePackage): void {
  const files = locatePageFiles(locate);
  if (files === undefined) {
    log.warn('no development page at GET /graphql: graphiql, react and react-dom are not installed (npm ci)');
    return;
  }
  fastify.get('/graphql', async (request, reply) => {
    if (request.url.includes('?')) {
      return reply
        .code(405)
        .header('allow', 'POST')
        .send({
          errors: [{ message: 'send GraphQL operations with POST', extensions: { code: 'METHOD_NOT_ALLOWED' } }],
        });
    }
    return reply.type('text/html; charset=utf-8').send(PAGE);
  });
  fastify.get<{ Params: { name: string } }>(`${ASSETS}/:name`, async (request, reply) => {
    const { name } = request.params;
    if (!Object.hasOwn(PAGE_FILES, name)) return reply.code(404).send({ error: 'not found' });
    return reply.type(PAGE_FILES[name as PageFile].type).send(await readFile(files[name as PageFile]));
  });
}
