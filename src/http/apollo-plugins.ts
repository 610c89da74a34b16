// The Apollo Server plugins of this subgraph. Apollo installs cache control and inline tracing by default;
// cache control hooks every field of every request (without it, 100-reference _entities went ~1.5x faster
// in alternating runs on the benchmark), and neither pays here:
// - cache control computes cache hints from @cacheControl, which this schema does not use, and answers
//   "no-store" for every response: the answers depend on the viewer. We set that header ourselves.
// - inline tracing (ftv1) is only read by a router that asks for traces (Apollo Studio field usage); it is
//   opt-in with INLINE_TRACING=true, and costs nothing per field when off.
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginInlineTrace } from '@apollo/server/plugin/inlineTrace';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
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

export function subgraphPlugins(settings: { inlineTracing: boolean }): ApolloServerPlugin[] {
  return [
    ApolloServerPluginUsageReportingDisabled(),
    ApolloServerPluginCacheControlDisabled(),
    settings.inlineTracing ? ApolloServerPluginInlineTrace() : ApolloServerPluginInlineTraceDisabled(),
    noStore,
  ];
}
