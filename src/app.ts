// The composition root: what the service is made of, in the order it starts. Nothing here decides anything;
// everything started is registered in one lifecycle, closed in reverse at shutdown or after a failed start.
import type { SpanExporter } from '@opentelemetry/sdk-trace-node';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { Config } from './config';
import type { PolicyStageCache } from './db/policy-stages';
import type { QueryObserver } from './db/sql-logger';
import { Metrics } from './observability/metrics';
import { eventStorage, startEvents } from './wiring/events';
import { Lifecycle } from './wiring/lifecycle';
import { startNotifySchedule } from './wiring/notify';
import { openChangeFeed, openReadPath } from './wiring/read-path';
import { startPurgeSchedule } from './wiring/retention';
import { startServing } from './wiring/serving';
import { openPrimary, openStorage } from './wiring/storage';
import { startTraces } from './wiring/tracing';

export interface AppOptions {
  log: Logger;
  /** Sees every SQL statement (tests count queries with it). */
  observeQuery?: QueryObserver;
  /** The policy's notion of now; tests move it to check transitions in time. */
  clock?: () => Date;
  /** Takes every span as it ends, and turns tracing on without OTEL_EXPORTER_OTLP_ENDPOINT (tests). */
  traceExporter?: SpanExporter;
}

export interface App {
  dataSource: DataSource;
  stageCache: PolicyStageCache;
  /** The address the server listens on, e.g. http://127.0.0.1:4001 */
  url: string;
  close(): Promise<void>;
}

export async function startApp(config: Config, appOptions: AppOptions): Promise<App> {
  const options = { ...appOptions, clock: appOptions.clock ?? (() => new Date()) };
  const lifecycle = new Lifecycle();
  try {
    startTraces(config, options, lifecycle);
    const dataSource = await openPrimary(config, options, lifecycle);
    const metrics = new Metrics(dataSource);
    const storage = await openStorage(config, options, metrics, dataSource, lifecycle);
    const changes = openChangeFeed(config, options.log, metrics, lifecycle);
    const readPath = openReadPath(config, storage, changes, options.log, metrics, lifecycle);
    const events = startEvents(config, eventStorage(storage, readPath), metrics, options, lifecycle);
    const http = await startServing(config, storage, readPath, metrics, options, lifecycle, events);
    startNotifySchedule(config, storage, readPath, options, lifecycle);
    startPurgeSchedule(config, storage, options, lifecycle);
    return { dataSource, stageCache: storage.stages, url: http.url, close: () => lifecycle.close() };
  } catch (error) {
    await lifecycle.close().catch(() => undefined); // the start-up failure is the one to report
    throw error;
  }
}
