// What the service answers: the GraphQL server (the subgraph schema, compiled execution, limits) behind
// the HTTP server (/graphql, the probes, /metrics and, with their secrets, POST /ip-locations and POST /events).
import type { Logger } from 'pino';
import type { Config } from '../config';
import { createConsentService } from '../consent/consent-service';
import { createOwnerDataService } from '../owner-data/owner-data-service';
import { databaseAnswers } from '../db/data-source';
import { startGraphQLServer } from '../graphql/apollo-server';
import { createRequestContext, type GraphQLServices } from '../graphql/context';
import { PUBLIC_MAX_AGE_SECONDS } from '../graphql/plugins';
import { buildIdentitySchema } from '../graphql/schema';
import type { IpLocationEndpoint } from '../http/ip-location-route';
import { READY_TIMEOUT_MS, startHttpServer, type HttpServer, type Readiness } from '../http/server';
import { IpDatabase } from '../ip-location/ip-database';
import { NotSubjectNotes } from '../loaders/not-subject-notes';
import { recordIpLocations } from '../ip-recording/record-ip-locations';
import type { Metrics } from '../observability/metrics';
import { receiveHttpEvents } from '../events/http-events';
import { eventsDetails, type Events } from './events';
import type { Lifecycle } from './lifecycle';
import type { ReadPath } from './read-path';
import type { Storage } from './storage';

/** How long a shutdown waits for in-flight requests before cutting them. */
export const DRAIN_DEADLINE_MS = 10_000;
/** A write is a few statements (begin, insert, read back, upsert, commit), each bounded alike. */
const WRITE_STATEMENTS = 5;
/**
 * The owner's view is seven reads (account, latest location, post locations, history, credentials, MCN
 * agency, their history), each bounded alike.
 */
const OWNER_DATA_READS = 7;

export interface ServingOptions {
  log: Logger;
  clock: () => Date;
}

function graphQLServices(
  config: Config,
  storage: Storage,
  readPath: ReadPath,
  options: ServingOptions,
): GraphQLServices {
  const settings = { hysteresisRatio: config.hysteresisRatio, realNameViewers: config.realNameViewers };
  return {
    accounts: readPath.accounts,
    consent: createConsentService({
      dataSource: storage.dataSource,
      stages: () => storage.stages.current(),
      rules: settings,
      clock: options.clock,
      timeoutMs: config.dbQueryTimeoutMs * WRITE_STATEMENTS,
      onCommitted: (userIds) => void readPath.changes.announce({ userIds }),
      log: options.log,
    }),
    ownerData: createOwnerDataService({
      dataSource: storage.dataSource,
      stages: () => storage.stages.current(),
      clock: options.clock,
      settings,
      openRealName: storage.realNames.open,
      language: config.ipLocation.language,
      professionalLanguage: config.professional.language,
      timeoutMs: config.dbQueryTimeoutMs * OWNER_DATA_READS,
      log: options.log,
    }),
    stages: storage.stages,
    clock: options.clock,
    openRealName: storage.realNames.open,
    settings,
    displayNameFormat: config.displayNameFormat,
    notSubjectNotes: new NotSubjectNotes(),
    maxInList: config.maxInList,
    ipLocations: readPath.ipLocations,
    ipLocationSettings: { language: config.ipLocation.language, viewers: config.ipLocation.viewers },
    professional: readPath.professional,
    professionalSettings: config.professional,
  };
}

/** POST /ip-locations exists with its secret, or open in the embedded demo (its stand-in posts service). */
function ipLocationEndpoint(config: Config, storage: Storage, metrics: Metrics, options: ServingOptions) {
  const { writerSecret } = config.ipLocation;
  if (writerSecret === undefined && config.databaseUrl !== undefined) return undefined;
  const ipDatabase = IpDatabase.open(config.ipLocation.databasePaths);
  options.log.info({ ipv4: ipDatabase.files.ipv4, ipv6: ipDatabase.files.ipv6 }, 'IP database loaded');
  return {
    secret: writerSecret,
    record: (body) =>
      recordIpLocations(storage.dataSource, ipDatabase, body, {
        now: options.clock(),
        timeoutMs: config.dbQueryTimeoutMs * WRITE_STATEMENTS,
        pseudonymKey: config.pseudonymKey,
        count: (outcome, records) => metrics.ipLocationRecords.inc({ outcome }, records),
      }),
  } satisfies IpLocationEndpoint;
}

/**
 * Replicas, the change feed and the event consumer are shown, not required: reads fall back to the primary,
 * the cache is bypassed while the feed is down, and events wait in the stream while NATS is.
 */
function readiness(
  config: Config,
  storage: Storage,
  readPath: ReadPath,
  events: Events | undefined,
): () => Promise<Readiness> {
  return async () => {
    const details = {
      ...(config.replicaUrls.length > 0 && { replicas: storage.reads.status() }),
      ...(config.redisUrl !== undefined && { changeFeed: readPath.changes.state() }),
      ...eventsDetails(events),
    };
    return (await databaseAnswers(storage.dataSource, READY_TIMEOUT_MS))
      ? { ready: true, details }
      : { ready: false, reason: 'database unreachable', details };
  };
}

export async function startServing(
  config: Config,
  storage: Storage,
  readPath: ReadPath,
  metrics: Metrics,
  options: ServingOptions,
  lifecycle: Lifecycle,
  events?: Events,
): Promise<HttpServer> {
  const services = graphQLServices(config, storage, readPath, options);
  const ipLocations = ipLocationEndpoint(config, storage, metrics, options);
  const graphql = await startGraphQLServer({
    schema: await buildIdentitySchema(),
    limits: config,
    production: config.production,
    inlineTracing: config.inlineTracing,
    // A cached policy is at most this old, on top of an instance's own refresh interval.
    publicMaxAgeSeconds: Math.min(PUBLIC_MAX_AGE_SECONDS, config.policyRefreshSeconds),
    executor: config.graphqlExecutor,
    maxCompiledOperations: config.maxCompiledOperations,
    log: options.log,
    countError: (code) => metrics.graphqlErrors.inc({ code }),
    countExecution: (executor, pipeline) => metrics.executions.inc({ executor, pipeline }),
  });
  lifecycle.add(() => graphql.apollo.stop());
  const http = await startHttpServer({
    settings: config,
    graphql: graphql.apollo,
    known: graphql.known,
    createContext: (rawHeaders) => createRequestContext(services, rawHeaders),
    readiness: readiness(config, storage, readPath, events),
    metrics,
    log: options.log,
    ipLocations,
    events:
      config.events.writerSecret === undefined || events === undefined
        ? undefined
        : { secret: config.events.writerSecret, receive: (body) => receiveHttpEvents(events.receive, body) },
  });
  lifecycle.add(() => http.close(DRAIN_DEADLINE_MS));
  return http;
}
