// The deployment files, checked without a Docker engine: what the router, compose and the image must get
// right for identity-labels to run behind the compose file's router, Hive Gateway.
import { existsSync, readFileSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import type { PropagateHeadersOpts } from '@graphql-hive/gateway';
import { gatewayConfig, identityLabelsRouting } from '../../docker/gateway.config';
import { composeSupergraph } from '../../examples/supergraph';
import {
  readSupergraphConfig,
  STAND_IN_SCHEMA_FILES,
  subgraphSources,
  SUPERGRAPH_SCHEMA,
} from '../../examples/supergraph-config';
import { viewerFromHeaders } from '../../src/graphql/viewer';
import { ROUTER_AUTHORIZATION_HEADER } from '../../src/http/router-auth';
import { composeServices, DOCKER, GATEWAY_IMAGE_WORKDIR, gatewayPackageVersion, mountsOf } from '../support/compose';
import { dockerStages, stageName } from '../support/dockerfile';
import { REPOSITORY_ROOT } from '../support/paths';

const ROOT = REPOSITORY_ROOT;
const SUBGRAPH = 'identity-labels';

/** Parsed YAML, navigated by the assertions themselves. */
type Yaml = any;
type ClientToSubgraphs = NonNullable<PropagateHeadersOpts<Record<string, unknown>>['fromClientToSubgraphs']>;

describe('docker/gateway.config.ts', () => {
  const CLIENT = {
    'x-viewer-id': 'v-1',
    'x-viewer-verified': 'true',
    cookie: 'session=s',
    'router-authorization': 'forged',
  };
  /** The headers the gateway adds to its fetch to `subgraphName` for a client request with `CLIENT`'s. */
  async function sentTo(subgraphName: string, routerSecret?: string): Promise<Record<string, unknown>> {
    const fromClient = identityLabelsRouting(routerSecret).propagateHeaders!.fromClientToSubgraphs!;
    const request = new Request('http://router/graphql', { headers: CLIENT });
    const sent = await fromClient({ request, subgraphName } as Parameters<ClientToSubgraphs>[0]);
    return Object.fromEntries(Object.entries(sent ?? {}).filter(([, value]) => value !== undefined && value !== null));
  }

  it('forwards the two viewer headers to identity-labels, which reads them as the viewer', async () => {
    const sent = await sentTo(SUBGRAPH);
    const viewerHeaders = Object.entries(sent).filter(([name]) => name.startsWith('x-viewer-'));
    expect(viewerFromHeaders(viewerHeaders.flat() as string[])).toEqual({ id: 'v-1', verified: true });
    expect(sent.cookie).toBeUndefined();
  });

  it('sends identity-labels the router secret in the header it checks, never a client’s copy', async () => {
    expect((await sentTo(SUBGRAPH, 'the-router-secret'))[ROUTER_AUTHORIZATION_HEADER]).toBe('the-router-secret');
    expect((await sentTo(SUBGRAPH, undefined))[ROUTER_AUTHORIZATION_HEADER]).toBeUndefined();
  });

  it('forwards the viewer and the secret to no other subgraph', async () => {
    expect(await sentTo('users', 'the-router-secret')).toEqual({});
    expect(await sentTo('posts', 'the-router-secret')).toEqual({});
  });

  it('enforces @authenticated only where the supergraph marks it', () => {
    expect(gatewayConfig.genericAuth).toMatchObject({ mode: 'protect-granular' });
  });

  it('listens on every interface, as a container must, at the port compose publishes', () => {
    expect(gatewayConfig.host).toBe('0.0.0.0');
    expect(composeServices().router!.ports).toEqual([`${gatewayConfig.port}:${gatewayConfig.port}`]);
  });
});

describe('docker/compose.yaml', () => {
  const services: Yaml = composeServices();

  it('runs MySQL 8, two identity-labels instances sharing a change feed on Redis, and Hive Gateway', () => {
    expect(Object.keys(services).sort()).toEqual(['identity-labels', 'mysql', 'redis', 'router']);
    expect(services['identity-labels'].deploy.replicas).toBe(2);
    expect(new URL(services['identity-labels'].environment.REDIS_URL).hostname).toBe('redis');
    expect(services['identity-labels'].depends_on.redis.condition).toBe('service_healthy');
    expect(services.mysql.image).toMatch(/^mysql:8(\.|$)/);
  });

  it('runs the router from Hive Gateway’s image, pinned to the version of the package the tests run', () => {
    expect(services.router.image).toBe(`ghcr.io/graphql-hive/gateway:${gatewayPackageVersion()}`);
    expect(gatewayPackageVersion()).toMatch(/^2\./);
  });

  it('gives MySQL a healthcheck, and starts identity-labels only once MySQL is healthy', () => {
    expect(services.mysql.healthcheck.test.join(' ')).toContain('mysqladmin ping');
    expect(services['identity-labels'].depends_on.mysql.condition).toBe('service_healthy');
    expect(services.router.depends_on[SUBGRAPH].condition).toBe('service_healthy');
  });

  it('builds identity-labels from docker/Dockerfile, its DATABASE_URL pointing at the mysql service', () => {
    const subgraph = services['identity-labels'];
    expect(resolve(DOCKER, subgraph.build.context, subgraph.build.dockerfile)).toBe(join(DOCKER, 'Dockerfile'));
    const databaseUrl = new URL(subgraph.environment.DATABASE_URL.replace(/\$\{[^}]*\}/g, 'x'));
    expect(databaseUrl.protocol).toBe('mysql:');
    expect(databaseUrl.hostname).toBe('mysql');
    expect(databaseUrl.pathname).toBe(`/${services.mysql.environment.MYSQL_DATABASE}`);
  });

  it('gives the router and identity-labels the same ROUTER_SECRET, required from the environment', () => {
    expect(services['identity-labels'].environment.ROUTER_SECRET).toMatch(/^\$\{ROUTER_SECRET:\?/);
    expect(services.router.environment.ROUTER_SECRET).toBe(services['identity-labels'].environment.ROUTER_SECRET);
  });

  it('gives identity-labels REAL_NAME_KEYS from the environment, never a literal, and no other service', () => {
    expect(services['identity-labels'].environment.REAL_NAME_KEYS).toMatch(/^\$\{REAL_NAME_KEYS:\?/);
    expect(services.router.environment.REAL_NAME_KEYS).toBeUndefined();
    expect(services.mysql.environment.REAL_NAME_KEYS).toBeUndefined();
  });

  it('mounts the gateway configuration and the supergraph where the image looks, and serves that supergraph', () => {
    const mounts = mountsOf(services.router);
    expect(mounts.get(posix.join(GATEWAY_IMAGE_WORKDIR, 'gateway.config.ts'))).toBe(join(DOCKER, 'gateway.config.ts'));
    const configured = 'supergraph' in gatewayConfig ? gatewayConfig.supergraph : undefined;
    expect(typeof configured).toBe('string');
    const supergraph = posix.resolve(GATEWAY_IMAGE_WORKDIR, configured as string);
    expect(mounts.get(supergraph)).toBe(SUPERGRAPH_SCHEMA);
    expect(services.router.command).toEqual(['supergraph']);
    for (const volume of services.router.volumes) expect(volume).toMatch(/:ro$/);
  });

  it('does not publish the subgraph: only the router may call it', () => {
    expect(services['identity-labels'].ports).toBeUndefined();
  });
});

describe('docker/supergraph.yaml', () => {
  const config = readSupergraphConfig();
  const identity = config.subgraphs.find((subgraph) => subgraph.name === SUBGRAPH)!;

  it('lists identity-labels at its compose service, with the checked-in schema', () => {
    expect(identity.routingUrl).toBe('http://identity-labels:4001/graphql');
    expect(identity.schemaFile).toBe(join(ROOT, 'schema', 'identity-labels.graphql'));
    expect(config.subgraphs.map((subgraph) => subgraph.name).sort()).toEqual([SUBGRAPH, 'posts', 'users']);
  });

  it('pins federation 2 composition, and every schema file it names exists', () => {
    expect(config.federationVersion).toMatch(/^=2\.\d+\.\d+$/);
    for (const subgraph of config.subgraphs) expect(existsSync(subgraph.schemaFile)).toBe(true);
  });
});

describe('docker/supergraph.graphql', () => {
  it('is what `npm run supergraph:compose` composes from docker/supergraph.yaml', () => {
    for (const [file, sdl] of Object.entries(STAND_IN_SCHEMA_FILES)) expect(readFileSync(file, 'utf8')).toBe(sdl);
    const { supergraphSdl } = composeSupergraph(subgraphSources(readSupergraphConfig()));
    expect(readFileSync(SUPERGRAPH_SCHEMA, 'utf8')).toBe(supergraphSdl);
  });
});

describe('docker/Dockerfile', () => {
  const stages = dockerStages();
  const final = stages.at(-1) ?? [];

  it('builds in one stage and runs from another', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
  });

  it('runs as a non-root user, with a HEALTHCHECK on /health', () => {
    const user = final.filter((line) => /^USER\b/.test(line)).pop();
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^USER\s+(root|0)(:|\s|$)/);
    expect(final.find((line) => /^HEALTHCHECK\b/.test(line))).toContain('/health');
  });

  it('ships production dependencies only: the final node_modules come from a pruned or --omit=dev install', () => {
    const installsInFinal = final.filter((line) => /^RUN\b.*\bnpm (ci|install)\b/.test(line));
    for (const line of installsInFinal) expect(line).toContain('--omit=dev');
    const copied = final.find((line) => /^COPY --from=\S+.* \/app\/node_modules /.test(line));
    if (installsInFinal.length === 0) {
      expect(copied).toBeDefined();
      const source = stages.find((stage) => stageName(stage) === /--from=(\S+)/.exec(copied!)![1])!;
      const lastInstall = source
        .map((line) => line)
        .reverse()
        .find((line) => /\bnpm (ci|install|prune)\b/.test(line));
      expect(lastInstall).toMatch(/npm (prune|ci|install)\b.*--omit=dev/);
    }
  });

  it('builds the service only, and copies into the build stage every folder that build compiles', () => {
    expect((stages[0] ?? []).some((line) => /^RUN\b.*npm run build:service\b/.test(line))).toBe(true);
    const { include } = JSON.parse(readFileSync(join(ROOT, 'tsconfig.service.json'), 'utf8')) as { include: string[] };
    const copiedFolders = (stages[0] ?? []).filter((line) => /^COPY\b/.test(line)).map((line) => line.split(/\s+/)[1]);
    for (const folder of include) expect(copiedFolders).toContain(folder);
  });
});
