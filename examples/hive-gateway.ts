// A second router for the local supergraph: The Guild's Hive Gateway, on the same static supergraph as the
// Apollo Gateway stand-in. Unlike Apollo's planner, it merges the subgraph fetches that fall due together into
// one request with one alias per fetch (`_v0__entities`, `_v1__entities`...): the subgraph must take those.
// It routes as docker/compose.yaml's router does, with the same configuration (docker/gateway.config.ts): the
// viewer headers and the router secret to identity-labels only, and the supergraph's @authenticated enforced
// (a caller without a viewer is refused a field marked @authenticated before any subgraph is called).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGatewayRuntime } from '@graphql-hive/gateway';
import { identityLabelsRouting } from '../docker/gateway.config';
import type { GatewayOptions } from './gateway';
import { LOCALHOST, type RunningServer } from './serve';

/** The subgraphs' names by routing URL, as the supergraph's join__Graph enum declares them. */
function subgraphNamesByUrl(supergraphSdl: string): Map<string, string> {
  const names = new Map<string, string>();
  for (const [, name = '', url = ''] of supergraphSdl.matchAll(/@join__graph\(name: "([^"]+)", url: "([^"]+)"\)/g)) {
    names.set(url, name);
  }
  return names;
}

export async function startHiveGateway(options: GatewayOptions): Promise<RunningServer> {
  const subgraphs = subgraphNamesByUrl(options.supergraphSdl);
  const gateway = createGatewayRuntime({
    supergraph: options.supergraphSdl,
    logging: false,
    ...identityLabelsRouting(options.routerSecret),
    plugins: () => [
      {
        onFetch({ url, options: request }) {
          // The query of each fetch, for tests that look at what the gateway sent.
          if (options.observeFetch === undefined || typeof request.body !== 'string') return;
          const { query } = JSON.parse(request.body) as { query?: string };
          options.observeFetch(subgraphs.get(url) ?? url, query ?? '');
        },
      },
    ],
  });
  const server = createServer(gateway);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, LOCALHOST, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${LOCALHOST}:${port}/graphql`,
    async close() {
      await gateway.dispose();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
