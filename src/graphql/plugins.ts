// The Apollo Server plugins of this subgraph. Apollo installs cache control and inline tracing by default;
// neither pays here, and both do work on every field of every request (docs/performance.md has the numbers):
// - cache control computes hints from @cacheControl on every field; here the answer is decided once per
//   request from its root fields (`cacheHeader`): the policy alone is the same for everyone and may be kept a
//   minute; everything else depends on the viewer and is "no-store".
// - inline tracing (ftv1) is only read by a router that asks for traces (Apollo Studio field usage); it is
//   opt-in with INLINE_TRACING=true.
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, type OperationDefinitionNode } from 'graphql';
import { ApolloServerPluginInlineTrace } from '@apollo/server/plugin/inlineTrace';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';

/** Root fields whose answer is the same for every viewer: `disclosurePolicy` (the stages in force). */
export const PUBLIC_QUERY_FIELDS: ReadonlySet<string> = new Set(['disclosurePolicy', '__typename']);
/** How long a public answer may be kept, at most (POLICY_REFRESH_SECONDS lowers it). */
export const PUBLIC_MAX_AGE_SECONDS = 60;

/** A query that asks only public root fields, as plain fields (a fragment is not looked into: private). */
export function asksOnlyPublicFields(operation: OperationDefinitionNode | undefined): boolean {
  if (operation?.operation !== 'query') return false;
  const { selections } = operation.selectionSet;
  return (
    selections.length > 0 &&
    selections.every((selection) => selection.kind === Kind.FIELD && PUBLIC_QUERY_FIELDS.has(selection.name.value))
  );
}

/**
 * A viewer's labels, names and data must never be cached by a proxy or the router and served to someone else:
 * "no-store", unless the request asked only for what is the same for everyone and got it without an error:
 * then "public, max-age" (`publicMaxAgeSeconds`; 0 keeps everything no-store).
 */
export function cacheHeader(publicMaxAgeSeconds: number): ApolloServerPlugin {
  const publicValue = `public, max-age=${publicMaxAgeSeconds}`;
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, operation }) {
          const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
          const cacheable =
            publicMaxAgeSeconds > 0 &&
            asksOnlyPublicFields(operation) &&
            body !== undefined &&
            body.errors === undefined &&
            body.data !== undefined &&
            body.data !== null &&
            (response.http.status ?? 200) === 200;
          response.http.headers.set('cache-control', cacheable ? publicValue : 'no-store');
        },
      };
    },
  };
}

function codeOf(error: unknown, fallback: string): string {
  const code = error instanceof GraphQLError ? error.extensions.code : undefined;
  return typeof code === 'string' ? code : fallback;
}

/**
 * Counts every GraphQL error by its code (never by message: a message may name an input): those of the
 * request pipeline, a malformed viewer header (the context is not created) and a malformed request body.
 */
export function countErrors(count: (code: string) => void): ApolloServerPlugin {
  return {
    async contextCreationDidFail({ error }) {
      count(codeOf(error, 'INTERNAL_SERVER_ERROR'));
    },
    async invalidRequestWasReceived({ error }) {
      count(codeOf(error, 'BAD_REQUEST'));
    },
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors }) {
          for (const error of errors) count(codeOf(error, 'UNKNOWN'));
        },
      };
    },
  };
}

/**
 * A request refused before it ran (no `data` at all) is the client's error: a 4xx, whatever status Apollo
 * chose. Apollo answers persisted-query errors with 200 for the sake of clients that retry with the query;
 * this subgraph takes no persisted queries, so there is nothing to retry.
 */
export const clientErrorsAre4xx: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        if (response.body.kind !== 'single') return;
        const { data, errors } = response.body.singleResult;
        const status = response.http.status ?? 200;
        if (data === undefined && errors !== undefined && errors.length > 0 && status < 400) {
          response.http.status = 400;
        }
      },
    };
  },
};
/** Counts the operations graphql-js executes when it is the executor (the compiled executor counts its own). */
export function countExecutions(count: () => void): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async executionDidStart() {
          count();
        },
      };
    },
  };
}

export interface PluginSettings {
  inlineTracing: boolean;
  /** How long the answer of a query that asks only the policy may be kept by anyone. */
  publicMaxAgeSeconds: number;
}

export function subgraphPlugins(settings: PluginSettings): ApolloServerPlugin[] {
  return [
    ApolloServerPluginUsageReportingDisabled(),
    ApolloServerPluginCacheControlDisabled(),
    settings.inlineTracing ? ApolloServerPluginInlineTrace() : ApolloServerPluginInlineTraceDisabled(),
    // Apollo's landing page loads Sandbox from Apollo's CDN; in development GET /graphql serves GraphiQL
    // instead (http/development-page.ts), and Apollo never sees a GET.
    ApolloServerPluginLandingPageDisabled(),
    cacheHeader(settings.publicMaxAgeSeconds),
  ];
}
