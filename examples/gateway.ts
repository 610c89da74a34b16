// The router of the local supergraph: an Apollo Gateway in Apollo Server on a static supergraph. It passes
// the client's viewer headers on to the subgraphs, and the router secret to identity-labels, as the compose
// file's router does (docker/gateway.config.ts). It cannot enforce @authenticated (see below).
import { ApolloServer } from '@apollo/server';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { Kind, parse, print, visit, type DirectiveNode } from 'graphql';
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

/** The authorization features of the supergraph (@authenticated; @requiresScopes, @policy once used). */
const AUTHORIZATION_FEATURES = ['authenticated', 'requiresScopes', 'policy'];
function isAuthorizationLink(directive: DirectiveNode): boolean {
  if (directive.name.value !== 'link') return false;
  const url = directive.arguments?.find((argument) => argument.name.value === 'url')?.value;
  return (
    url?.kind === Kind.STRING &&
    AUTHORIZATION_FEATURES.some((feature) => url.value.startsWith(`https://specs.apollo.dev/${feature}/`))
  );
}

/**
 * The supergraph without its authorization features. Apollo Gateway implements none of them, and the
 * supergraph links them `for: SECURITY`: a router that cannot enforce a security feature must refuse the
 * supergraph, and Apollo Gateway does ("feature ... is for: SECURITY but is unsupported"). This stand-in
 * drops them and so enforces nothing, as it always has: the subgraph refuses an anonymous caller itself.
 * Hive Gateway (hive-gateway.ts) and a licensed Apollo Router enforce them.
 */
export function withoutAuthorizationFeatures(supergraphSdl: string): string {
  const stripped = visit(parse(supergraphSdl), {
    Directive: (directive) =>
      AUTHORIZATION_FEATURES.includes(directive.name.value) || isAuthorizationLink(directive) ? null : undefined,
    DirectiveDefinition: (definition) => (AUTHORIZATION_FEATURES.includes(definition.name.value) ? null : undefined),
  });
  return print(stripped);
}

export async function startGateway(options: GatewayOptions): Promise<RunningServer> {
  const gateway = new ApolloGateway({
    supergraphSdl: withoutAuthorizationFeatures(options.supergraphSdl),
    buildService: ({ name, url }) =>
      new ViewerForwardingDataSource(url!, name, options.observeFetch, options.routerSecret),
  });
  const server = new ApolloServer<GatewayContext>({ gateway, stopOnTerminationSignals: false });
  return serveApollo(server, options.port, async (request) => ({ viewerHeaders: viewerHeaders(request.headers) }));
}
