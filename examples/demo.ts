// `npm run demo`: the whole local supergraph in one process, with no database server: a gateway in front of
// this subgraph (on its embedded demo database) and the stand-in users and posts subgraphs.
import 'reflect-metadata';
import pino from 'pino';
import { startApp } from '../src/app';
import { loadConfig } from '../src/config';
import { startGateway } from './gateway';
import { demoPlatformData } from './platform-data';
import { startPostsSubgraph } from './posts-subgraph';
import { LOCALHOST, type RunningServer } from './serve';
import { composeSupergraph, localSubgraphs } from './supergraph';
import { startUsersSubgraph } from './users-subgraph';

export interface DemoPorts {
  gateway: number;
  identity: number;
  users: number;
  posts: number;
}

export const DEFAULT_DEMO_PORTS: DemoPorts = { gateway: 4000, identity: 4001, users: 4002, posts: 4003 };

export interface RunningDemo {
  /** The gateway: where clients send their queries. */
  url: string;
  subgraphs: { identity: string; users: string; posts: string };
  hints: string[];
  /** Stops the gateway first, then the subgraphs. */
  close(): Promise<void>;
}

/**
 * Starts the four servers (port 0 picks a free one). `env` configures this subgraph as in production
 * (REAL_NAME_VIEWERS, DISPLAY_NAME_FORMAT...), except DATABASE_URL: the demo accounts live only in the
 * embedded database.
 */
export async function startDemo(ports: DemoPorts, env: NodeJS.ProcessEnv = {}): Promise<RunningDemo> {
  const config = loadConfig({
    LOG_LEVEL: 'warn', // request logs would bury the demo's own output; LOG_LEVEL=info brings them back
    ...env,
    DATABASE_URL: undefined,
    PORT: String(ports.identity),
    HOST: LOCALHOST,
  });
  const running: RunningServer[] = [];
  const closeAll = async () => {
    for (const server of running.reverse()) await server.close();
  };
  try {
    const identity = await startApp(config, {
      log: pino({ level: config.logLevel, base: { service: 'identity-labels' } }),
    });
    running.push(identity);
    const platform = demoPlatformData();
    const users = await startUsersSubgraph(platform.users, ports.users);
    running.push(users);
    const posts = await startPostsSubgraph(platform.posts, ports.posts);
    running.push(posts);
    const subgraphs = { identity: `${identity.url}/graphql`, users: users.url, posts: posts.url };
    const { supergraphSdl, hints } = composeSupergraph(localSubgraphs(subgraphs));
    const gateway = await startGateway({ supergraphSdl, port: ports.gateway });
    running.push(gateway);
    return { url: gateway.url, subgraphs, hints, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

const EXAMPLE_QUERY =
  '{ feed(first: 8) { text displayName author { nickname verifiedRealName identityLabel { status restricted } } } }';

function exampleCurl(url: string): string {
  return [
    `curl -s ${url} -H 'content-type: application/json' \\`,
    `  -H 'x-viewer-id: viewer-1' -H 'x-viewer-verified: true' \\`,
    `  -d '${JSON.stringify({ query: EXAMPLE_QUERY })}'`,
  ].join('\n');
}

function portFromEnv(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new Error(`${name} must be a port number`);
  return Number(value);
}

async function main(): Promise<void> {
  const demo = await startDemo(
    {
      gateway: portFromEnv('DEMO_GATEWAY_PORT', DEFAULT_DEMO_PORTS.gateway),
      identity: portFromEnv('DEMO_IDENTITY_PORT', DEFAULT_DEMO_PORTS.identity),
      users: portFromEnv('DEMO_USERS_PORT', DEFAULT_DEMO_PORTS.users),
      posts: portFromEnv('DEMO_POSTS_PORT', DEFAULT_DEMO_PORTS.posts),
    },
    process.env,
  );
  const lines = [
    `Local supergraph ready at ${demo.url}`,
    `  identity-labels ${demo.subgraphs.identity} (embedded demo database)`,
    `  users           ${demo.subgraphs.users}`,
    `  posts           ${demo.subgraphs.posts}`,
    ...demo.hints.map((hint) => `  composition hint: ${hint}`),
    '',
    'Ask for the feed as a verified viewer (drop the x-viewer-* headers to see it as an anonymous one):',
    exampleCurl(demo.url),
    '',
    'Ctrl-C stops everything.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  const shutdown = (signal: string) => {
    process.stdout.write(`${signal}: stopping the local supergraph\n`);
    demo.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`demo: shutdown failed: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`demo: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
