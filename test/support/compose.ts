// docker/compose.yaml read as data, and its router replayed without a Docker engine: Hive Gateway's image is
// the @graphql-hive/gateway package in a folder laid out as the container is (the package's node_modules at
// the root, the compose file's mounts under the image's working directory), started with the compose file's
// command and environment, its subgraphs' compose host names pointed at servers of the test.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { freePort, spawnOwned, waitUntilAnswering } from './owned-process';
import { REPOSITORY_ROOT } from './paths';

export const DOCKER = join(REPOSITORY_ROOT, 'docker');

export interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  /** `host path:container path[:ro]`, the host path relative to docker/. */
  volumes?: string[];
  ports?: string[];
  [key: string]: unknown;
}

export function composeServices(): Record<string, ComposeService> {
  return (parse(readFileSync(join(DOCKER, 'compose.yaml'), 'utf8')) as { services: Record<string, ComposeService> })
    .services;
}

/** A service's bind mounts: container path to the host file, absolute. */
export function mountsOf(service: ComposeService): Map<string, string> {
  return new Map(
    (service.volumes ?? []).map((volume) => {
      const [host = '', container = ''] = volume.split(':');
      return [container, resolve(DOCKER, host)];
    }),
  );
}

/** A value of the compose file with its `${NAME}`, `${NAME:-default}` and `${NAME:?message}` filled in. */
export function interpolate(value: string, variables: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_, name: string, kind?: string, word = '') => {
    const set = variables[name];
    if (set !== undefined && set !== '') return set;
    if (kind === '?') throw new Error(`compose refuses to start: ${word}`);
    return kind === '-' ? word : '';
  });
}

/** The working directory of Hive Gateway's image, where it looks for gateway.config.ts. */
export const GATEWAY_IMAGE_WORKDIR = '/gateway';
const GATEWAY_PACKAGE = join(REPOSITORY_ROOT, 'node_modules', '@graphql-hive', 'gateway');

function gatewayPackage(): { version: string; bin: Record<string, string> } {
  return JSON.parse(readFileSync(join(GATEWAY_PACKAGE, 'package.json'), 'utf8')) as ReturnType<typeof gatewayPackage>;
}

/** The @graphql-hive/gateway version the tests run: the image's tag must be the same. */
export const gatewayPackageVersion = (): string => gatewayPackage().version;

export interface ReplayedRouter {
  /** Its GraphQL endpoint. */
  url: string;
  stop(): Promise<void>;
}

export interface ComposeRouterOptions {
  /** The shell's environment `docker compose up` runs with (ROUTER_SECRET...). */
  variables: Record<string, string>;
  /** Where each subgraph's `host:port` on the compose network is here: `identity-labels:4001` to `127.0.0.1:...`. */
  hosts: Record<string, string>;
}

/**
 * The service's mounts, copied into `root` (the container's /), with the compose host names in a supergraph
 * replaced by the test's addresses, as the compose network's names would resolve.
 */
function mountInto(root: string, service: ComposeService, hosts: ComposeRouterOptions['hosts']): void {
  for (const [container, host] of mountsOf(service)) {
    const target = join(root, container);
    mkdirSync(dirname(target), { recursive: true });
    cpSync(host, target, { recursive: true });
    if (!target.endsWith('.graphql')) continue;
    let text = readFileSync(target, 'utf8');
    for (const [composeHost, here] of Object.entries(hosts)) text = text.replaceAll(`//${composeHost}/`, `//${here}/`);
    writeFileSync(target, text);
  }
}

/** Starts the compose file's `router` service as its container would run; resolves once it is ready. */
export async function startComposeRouter(options: ComposeRouterOptions): Promise<ReplayedRouter> {
  const service = composeServices().router!;
  const root = mkdtempSync(join(tmpdir(), 'identity-router-'));
  // The image's own node_modules sit at its root, above the working directory: an import in the mounted
  // configuration file finds the gateway there.
  symlinkSync(join(REPOSITORY_ROOT, 'node_modules'), join(root, 'node_modules'));
  const workdir = join(root, GATEWAY_IMAGE_WORKDIR);
  mkdirSync(workdir);
  mountInto(root, service, options.hosts);
  const environment = Object.entries(service.environment ?? {}).map(([name, value]) => [
    name,
    interpolate(value, options.variables),
  ]);
  // The image's entry point is the package's bin, given the service's command. Here on 127.0.0.1 and a free
  // port; the container listens where the configuration says (a unit test checks that).
  const port = await freePort();
  const gateway = spawnOwned(
    process.execPath,
    [
      join(GATEWAY_PACKAGE, gatewayPackage().bin['hive-gateway']!),
      ...(service.command ?? []),
      ...['--host', '127.0.0.1', '--port', `${port}`],
    ],
    { cwd: workdir, env: { PATH: process.env.PATH ?? '', ...Object.fromEntries(environment) } },
  );
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await gateway.stop();
    rmSync(root, { recursive: true, force: true });
  };
  try {
    await waitUntilAnswering(gateway, 'the compose router', async () => (await fetch(`${url}/readiness`)).ok);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `${url}/graphql`, stop };
}
