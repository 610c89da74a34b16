// A second router for the local supergraph: The Guild's Hive Gateway, on the same static supergraph as the
// Apollo Gateway stand-in. Unlike Apollo's planner, it merges the subgraph fetches that fall due together into
// one request with one alias per fetch (`_v0__entities`, `_v1__entities`...): the subgraph must take those.
// It forwards the viewer headers to identity-labels, and the router secret, as docker/router.yaml makes the
// Apollo Router do. It enforces the supergraph's @authenticated itself (its generic auth, granular mode): a
// caller without a viewer (x-viewer-id, set by the platform's authenticating edge) is refused a field marked
// @authenticated before any subgraph is called.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGatewayRuntime } from '@graphql-hive/gateway';
import { ROUTER_AUTHORIZATION_HEADER } from '../src/http/router-auth';
import { VIEWER_HEADERS, type GatewayOptions } from './gateway';
import { LOCALHOST, type RunningServer } from './serve';
import { IDENTITY_SUBGRAPH } from './supergraph';

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
    genericAuth: {
      mode: 'protect-granular', // @authenticated fields only; the rest of the graph stays open to anyone
      resolveUserFn: ({ request }) => {
        const viewerId = request.headers.get('x-viewer-id');
        return viewerId === null || viewerId === '' ? null : { viewerId };
      },
    },
    propagateHeaders: {
      fromClientToSubgraphs({ request, subgraphName }) {
        if (subgraphName !== IDENTITY_SUBGRAPH) return {};
        const headers: Record<string, string | undefined> = {};
        for (const name of VIEWER_HEADERS) headers[name] = request.headers.get(name) ?? undefined;
        if (options.routerSecret !== undefined) headers[ROUTER_AUTHORIZATION_HEADER] = options.routerSecret;
        return headers;
      },
    },
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
