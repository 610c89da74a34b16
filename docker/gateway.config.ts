// The router of docker/compose.yaml: Hive Gateway's official image loads /gateway/gateway.config.ts, where the
// compose file mounts this file beside the supergraph. It passes the viewer and the router secret to
// identity-labels, and enforces the supergraph's @authenticated without a license (an Apollo Router needs a
// GraphOS one for that: docs/operations.md). Only this file is mounted: it imports the gateway and nothing else.
import { defineConfig, type GatewayConfigSupergraph } from '@graphql-hive/gateway';

const IDENTITY_SUBGRAPH = 'identity-labels';
/** As the subgraph reads them (src/graphql/viewer.ts, src/http/router-auth.ts); a test keeps them equal. */
export const VIEWER_HEADERS = ['x-viewer-id', 'x-viewer-verified'];
export const ROUTER_AUTHORIZATION_HEADER = 'router-authorization';

/** What any Hive Gateway in front of identity-labels must do; examples/hive-gateway.ts runs the same. */
export function identityLabelsRouting(
  routerSecret: string | undefined,
): Pick<GatewayConfigSupergraph, 'genericAuth' | 'propagateHeaders'> {
  return {
    // @authenticated, from the viewer the authenticating edge names: a caller without one is refused a field
    // marked @authenticated before any subgraph is called; the rest of the graph stays open to anyone.
    genericAuth: {
      mode: 'protect-granular',
      resolveUserFn: ({ request }) => {
        const viewerId = request.headers.get('x-viewer-id');
        return viewerId === null || viewerId === '' ? null : { viewerId };
      },
    },
    propagateHeaders: {
      fromClientToSubgraphs({ request, subgraphName }) {
        // To identity-labels only. These headers MUST come from the authenticating edge in front of this
        // gateway, which strips any copy a client sends and sets them from the verified session: passed on from
        // a client as they are, anyone could claim to be a verified viewer, or answer consent for somebody else.
        if (subgraphName !== IDENTITY_SUBGRAPH) return {};
        const headers: Record<string, string | undefined> = {};
        for (const name of VIEWER_HEADERS) headers[name] = request.headers.get(name) ?? undefined;
        // A secret only the router knows: identity-labels answers 401 to any caller without it.
        if (routerSecret !== undefined) headers[ROUTER_AUTHORIZATION_HEADER] = routerSecret;
        return headers;
      },
    },
  };
}

export const gatewayConfig = defineConfig({
  supergraph: './supergraph.graphql', // in the working directory, /gateway, where compose mounts it
  host: '0.0.0.0', // every interface, as a container must
  port: 4000, // the port compose publishes
  ...identityLabelsRouting(process.env.ROUTER_SECRET),
});
