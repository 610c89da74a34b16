// The Apollo Server plugins of this subgraph. Apollo installs cache control and inline tracing by default;
// neither pays here, and both do work on every field of every request (docs/performance.md has the numbers):
// - cache control computes hints from @cacheControl, which this schema does not use; every answer depends
//   on the viewer, so every response is "no-store", a header set here.
// - inline tracing (ftv1) is only read by a router that asks for traces (Apollo Studio field usage); it is
//   opt-in with INLINE_TRACING=true.
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { ApolloServerPluginInlineTrace } from '@apollo/server/plugin/inlineTrace';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';

/** A viewer's labels must never be cached by a proxy or the router and served to someone else. */
const noStore: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        response.http.headers.set('cache-control', 'no-store');
      },
    };
  },
};

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
}

export function subgraphPlugins(settings: PluginSettings): ApolloServerPlugin[] {
  return [
    ApolloServerPluginUsageReportingDisabled(),
    ApolloServerPluginCacheControlDisabled(),
    settings.inlineTracing ? ApolloServerPluginInlineTrace() : ApolloServerPluginInlineTraceDisabled(),
    // Apollo's landing page loads Sandbox from Apollo's CDN; in development GET /graphql serves GraphiQL
    // instead (http/development-page.ts), and Apollo never sees a GET.
    ApolloServerPluginLandingPageDisabled(),
    noStore,
  ];
}
