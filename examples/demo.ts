// `npm run demo`: the whole local supergraph in one process, with no database server: a gateway in front of
// this subgraph (on its embedded demo database) and the stand-in users and posts subgraphs.
import 'reflect-metadata';
import pino from 'pino';
import { startApp } from '../src/app';
import { loadConfig } from '../src/config';
import { errorMessage } from '../src/errors';
import { PortInUseError } from '../src/http/server';
import { startGateway } from './gateway';
import { demoPlatformData } from './platform-data';
import { recordPostLocations, startPostsSubgraph } from './posts-subgraph';
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
    await recordPostLocations(identity.url, platform.posts, config.ipLocation.writerSecret);
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
  '{ feed(first: 8) { text displayName ipLocation { label } author { nickname verifiedRealName identityLabel { status restricted } } } }';

function exampleCurl(url: string): string {
  return [
    `curl -s ${url} -H 'content-type: application/json' \\`,
    `  -H 'x-viewer-id: viewer-1' -H 'x-viewer-verified: true' \\`,
    `  -d '${JSON.stringify({ query: EXAMPLE_QUERY })}'`,
  ].join('\n');
}

const PORT_VARIABLES: Record<keyof DemoPorts, string> = {
  gateway: 'DEMO_GATEWAY_PORT',
  identity: 'DEMO_IDENTITY_PORT',
  users: 'DEMO_USERS_PORT',
  posts: 'DEMO_POSTS_PORT',
};

/** A start-up failure in words; a port another process holds names the variable that moves it. */
function describeStartFailure(error: unknown, ports: DemoPorts): string {
  const { code, port } = (error ?? {}) as { code?: unknown; port?: unknown };
  const taken = error instanceof PortInUseError ? error.port : code === 'EADDRINUSE' ? port : undefined;
  const server = (Object.keys(ports) as (keyof DemoPorts)[]).find((name) => ports[name] === taken);
  if (server !== undefined)
    return `port ${ports[server]} is already in use: set ${PORT_VARIABLES[server]} to a free port`;
  return errorMessage(error);
}

function portFromEnv(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new Error(`${name} must be a port number`);
  return Number(value);
}

async function main(): Promise<void> {
  const ports: DemoPorts = {
    gateway: portFromEnv(PORT_VARIABLES.gateway, DEFAULT_DEMO_PORTS.gateway),
    identity: portFromEnv(PORT_VARIABLES.identity, DEFAULT_DEMO_PORTS.identity),
    users: portFromEnv(PORT_VARIABLES.users, DEFAULT_DEMO_PORTS.users),
    posts: portFromEnv(PORT_VARIABLES.posts, DEFAULT_DEMO_PORTS.posts),
  };
  const demo = await startDemo(ports, process.env).catch((error: unknown) => {
    throw new Error(describeStartFailure(error, ports));
  });
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
        process.stderr.write(`demo: shutdown failed: ${errorMessage(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`demo: failed to start: ${errorMessage(error)}\n`);
    process.exit(1);
  });
}
