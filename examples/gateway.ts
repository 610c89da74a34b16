// The router of the local supergraph: an Apollo Gateway in Apollo Server on a static supergraph. It passes
// the client's viewer headers on to the subgraphs, and the router secret to identity-labels, as
// docker/router.yaml makes the Apollo Router do.
import { ApolloServer } from '@apollo/server';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { IncomingHttpHeaders } from 'node:http';
import { ROUTER_AUTHORIZATION_HEADER } from '../src/http/router-auth';
import { serveApollo, type RunningServer } from './serve';
import { IDENTITY_SUBGRAPH } from './supergraph';

/** The headers in which the client's session names the viewer (see src/http/viewer.ts). */
export const VIEWER_HEADERS = ['x-viewer-id', 'x-viewer-verified'] as const;

interface GatewayContext {
  viewerHeaders: Partial<Record<(typeof VIEWER_HEADERS)[number], string>>;
}

/** Sees every fetch the gateway sends to a subgraph: tests count them. */
export type SubgraphFetchObserver = (subgraph: string, query: string) => void;

export interface GatewayOptions {
  supergraphSdl: string;
  port: number;
  observeFetch?: SubgraphFetchObserver;
  /** Sent to identity-labels in router-authorization, when it runs with ROUTER_SECRET. */
  routerSecret?: string;
}

function viewerHeaders(headers: IncomingHttpHeaders): GatewayContext['viewerHeaders'] {
  const picked: GatewayContext['viewerHeaders'] = {};
  for (const name of VIEWER_HEADERS) {
    const value = headers[name];
    // Node joins a repeated header into one value; the subgraph rejects a malformed one with a 400.
    if (value !== undefined) picked[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return picked;
}

class ViewerForwardingDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    url: string,
    private readonly subgraph: string,
    private readonly observeFetch?: SubgraphFetchObserver,
    private readonly routerSecret?: string,
  ) {
    super({ url });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    // Health checks and schema loading carry no client, hence no viewer headers.
    const forwarded: GatewayContext['viewerHeaders'] = context.viewerHeaders ?? {};
    for (const name of VIEWER_HEADERS) {
      const value = forwarded[name];
      if (value !== undefined) request.http?.headers.set(name, value);
    }
    if (this.subgraph === IDENTITY_SUBGRAPH && this.routerSecret !== undefined) {
      request.http?.headers.set(ROUTER_AUTHORIZATION_HEADER, this.routerSecret);
    }
    this.observeFetch?.(this.subgraph, request.query ?? '');
  }
}

export async function startGateway(options: GatewayOptions): Promise<RunningServer> {
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    buildService: ({ name, url }) =>
      new ViewerForwardingDataSource(url!, name, options.observeFetch, options.routerSecret),
  });
  const server = new ApolloServer<GatewayContext>({ gateway, stopOnTerminationSignals: false });
  return serveApollo(server, options.port, async (request) => ({ viewerHeaders: viewerHeaders(request.headers) }));
}
