// The Apollo Server plugins of this subgraph. Apollo installs cache control and inline tracing by default;
// neither pays here, and both do work on every field of every request (docs/performance.md has the numbers):
// - cache control computes hints from @cacheControl, which this schema does not use; every answer depends
//   on the viewer, so every response is "no-store", a header set here.
// - inline tracing (ftv1) is only read by a router that asks for traces (Apollo Studio field usage); it is
//   opt-in with INLINE_TRACING=true.
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginInlineTrace } from '@apollo/server/plugin/inlineTrace';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';

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

/** Counts every GraphQL error by its code (never by message: a message may name an input). */
export function countErrors(count: (code: string) => void): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors }) {
          for (const error of errors) count(String(error.extensions.code ?? 'UNKNOWN'));
        },
      };
    },
  };
}

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
  production: boolean;
}

export function subgraphPlugins(settings: PluginSettings): ApolloServerPlugin[] {
  return [
    ApolloServerPluginUsageReportingDisabled(),
    ApolloServerPluginCacheControlDisabled(),
    settings.inlineTracing ? ApolloServerPluginInlineTrace() : ApolloServerPluginInlineTraceDisabled(),
    // In development, a browser's GET /graphql opens Apollo Sandbox; in production nobody explores the
    // schema through this subgraph (the router composes from _service).
    settings.production
      ? ApolloServerPluginLandingPageDisabled()
      : ApolloServerPluginLandingPageLocalDefault({ embed: true, footer: false }),
    noStore,
  ];
}
