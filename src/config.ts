// Reads and validates every setting once, at start-up; the rest of the code gets a typed Config.
//
// Each setting is declared once, below, in the shape the code reads it (`config.replicas.maxLagSeconds`): the
// variable it comes from, how it is checked, its default and what it is for. The Config type is what that
// declaration produces.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { newPseudonymKey, PseudonymKey, pseudonymKeyProblem } from './crypto/pseudonym-key';
import { ExpectedFailure } from './errors';
import { RealNameKeys, realNameKeysProblem } from './crypto/real-name-keys';
import { IP_LOCATION_LANGUAGES } from './ip-location/label';
import { IP_LOCATION_VIEWER_SETTINGS } from './ip-location/visibility';
import { EXECUTORS } from './graphql/executor';
import { categoryFieldsProblem, DEFAULT_CATEGORY_FIELDS, parseCategoryFields } from './professional/categories';
import { LABEL_LANGUAGES } from './professional/label';
import { OTLP_PROTOCOLS } from './observability/tracing';
import { REAL_NAME_VIEWER_SETTINGS } from './policy/types';
import { DEFAULT_SEMI_SPACE_MB, PRETENURING_CHOICES } from './v8-flags';

/** Which environment variable a setting is read from. */
const VARIABLES = z.registry<{ variable: string }>();

/** A setting read from the environment variable `name`, checked and defaulted by `schema`. */
function variable<T extends z.ZodType>(name: string, schema: T): T {
  VARIABLES.add(schema, { variable: name });
  return schema;
}

/** A setting with no default: unset, it is undefined, and still a key of the Config (not an optional one). */
const optionalSetting = <T extends z.ZodType>(schema: T) => schema.optional().transform((value) => value);

const booleanFromEnv = z.enum(['true', 'false']).transform((value) => value === 'true');

const integerFromEnv = (min: number, max: number) =>
  z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().int().min(min).max(max));

const secretFromEnv = z.string().min(16, 'must be at least 16 characters');

const isMysqlUrl = (url: string) => /^mysql:\/\//.test(url);

const isHttpUrl = (url: string) => {
  try {
    return ['http:', 'https:'].includes(new URL(url).protocol);
  } catch {
    return false;
  }
};

/** OTEL_EXPORTER_OTLP_HEADERS as the OpenTelemetry specification writes it: `name=value,name2=value2`, values URL-encoded. */
function otlpHeaders(list: string, context: z.RefinementCtx): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of list.split(',')) {
    if (pair.trim() === '') continue;
    const separator = pair.indexOf('=');
    const name = pair.slice(0, Math.max(separator, 0)).trim();
    let value: string | undefined;
    try {
      value = decodeURIComponent(pair.slice(separator + 1).trim());
    } catch {
      value = undefined;
    }
    if (separator <= 0 || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) || value === undefined) {
      context.addIssue({ code: 'custom', message: 'must be name=value pairs separated by commas, values URL-encoded' });
      return headers;
    }
    headers[name] = value;
  }
  return headers;
}

const PLACEHOLDER = /\{([^{}]*)\}/g;
const KNOWN_PLACEHOLDERS = new Set(['nickname', 'realName']);

/**
 * The files looked for in IP_DATABASE_PATH: upstream's .xdb files by the names it publishes them under, else
 * the .db files by the ip2region package's names (when neither is there, opening names the .db one).
 */
const IP_DATABASE_FILES = { ipv4: ['ip2region_v4.xdb', 'ip2region.db'], ipv6: ['ip2region_v6.xdb', 'ipv6wry.db'] };

function inDirectory(directory: string | undefined, names: string[]): string | undefined {
  if (directory === undefined) return undefined;
  const paths = names.map((name) => join(directory, name));
  return paths.find((path) => existsSync(path)) ?? paths.at(-1);
}

/** A NATS subject to publish on: dot-separated tokens, no wildcards, no white space. */
const subject = z
  .string()
  .regex(/^[^.*>\s]+(\.[^.*>\s]+)*$/, 'must be a NATS subject: tokens separated by dots, no wildcards or spaces');

/** A JetStream stream or consumer name. */
const jetStreamName = z
  .string()
  .regex(/^[^.*>\s/\\]{1,255}$/, 'must be 1-255 characters, without spaces, dots, wildcards or slashes');

/** The platform's events in, and this service's out (docs/events.md). */
const eventSettings = z.object({
  /** NATS with JetStream; set, the server consumes the platform's events and relays its outbox. */
  natsUrl: variable(
    'NATS_URL',
    optionalSetting(
      z
        .string()
        .refine(
          (urls) => urls.split(',').every((url) => /^(nats|tls|ws|wss):\/\/\S+$/.test(url.trim())),
          'must be nats://host:port (several, comma-separated)',
        ),
    ),
  ),
  /** The platform's stream, read whole by the durable consumer; never created by the service. */
  stream: variable('EVENTS_STREAM', jetStreamName.default('platform-events')),
  /** The durable pull consumer every instance shares. */
  consumer: variable('EVENTS_CONSUMER', jetStreamName.default('identity-labels')),
  /** Where a message that is not a valid event is copied before it is terminated. */
  deadLetterSubject: variable('EVENTS_DEAD_LETTER_SUBJECT', subject.default('identity-labels.dead-letter')),
  /** The subjects of the events this service publishes: PREFIX.notice.sent, .notice.withdrawn, .label.changed. */
  outPrefix: variable('EVENTS_OUT_PREFIX', subject.default('identity-labels.out')),
  /** Events per transaction, at most. */
  batchSize: variable('EVENTS_BATCH_SIZE', integerFromEnv(1, 5000).default(1000)),
  /** POST /events exists only with it; the platform sends it as a bearer token. */
  writerSecret: variable('EVENTS_WRITER_SECRET', optionalSetting(secretFromEnv)),
});

const settings = z.object({
  /** NODE_ENV=production: no introspection or landing page, and the checks of `productionChecks` below. */
  production: variable(
    'NODE_ENV',
    z
      .string()
      .default('development')
      .transform((environment) => environment === 'production'),
  ),
  /** When set, every GraphQL request must carry it in the router-authorization header. */
  routerSecret: variable('ROUTER_SECRET', optionalSetting(secretFromEnv)),
  /** Production without ROUTER_SECRET, on purpose (read only by the checks below). */
  allowUnauthenticated: variable('ALLOW_UNAUTHENTICATED', booleanFromEnv.default(false)),
  /** Request body size; above it, 413. */
  maxBodyBytes: variable('MAX_BODY_BYTES', integerFromEnv(1024, 100 * 1024 * 1024).default(1024 * 1024)),
  /** `_entities` representations per request, across all its `_entities` fields. */
  maxRepresentations: variable('MAX_REPRESENTATIONS', integerFromEnv(1, 100_000).default(1000)),
  /** Query depth. */
  maxQueryDepth: variable('MAX_QUERY_DEPTH', integerFromEnv(1, 100).default(10)),
  /** Aliases per query (those of `_entities` are bounded by maxRepresentations instead). */
  maxAliases: variable('MAX_ALIASES', integerFromEnv(0, 1000).default(15)),
  /** Query cost: fields weighted by depth. */
  maxQueryCost: variable('MAX_QUERY_COST', integerFromEnv(1, 1_000_000).default(5000)),
  /** Query size in tokens; the parser stops there. */
  maxQueryTokens: variable('MAX_QUERY_TOKENS', integerFromEnv(10, 1_000_000).default(2000)),
  /** Longest wait for account data, queueing for a connection included; then IDENTITY_UNAVAILABLE. */
  dbQueryTimeoutMs: variable('DB_QUERY_TIMEOUT_MS', integerFromEnv(10, 600_000).default(2000)),
  /** Longest connecting to MySQL may take. */
  dbConnectTimeoutMs: variable('DB_CONNECT_TIMEOUT_MS', integerFromEnv(10, 600_000).default(2000)),
  /** Requests that may wait for a pool connection; beyond that they are shed at once. */
  dbQueueLimit: variable('DB_QUEUE_LIMIT', integerFromEnv(1, 100_000).default(200)),
  /** HTTP port; 0 picks a free one. */
  port: variable('PORT', integerFromEnv(0, 65535).default(4001)),
  /** The interface to listen on. */
  host: variable('HOST', z.string().min(1).default('0.0.0.0')),
  /** undefined selects the embedded sql.js database with demo data. */
  databaseUrl: variable(
    'DATABASE_URL',
    optionalSetting(
      z.string().refine(isMysqlUrl, 'must start with mysql:// (leave it unset for the embedded database)'),
    ),
  ),
  /** Run pending migrations on start (off when a deploy step runs `identity-labels migrate`). */
  runMigrations: variable('RUN_MIGRATIONS', booleanFromEnv.default(true)),
  /** Connections per MySQL pool (the primary's, and each replica's). */
  dbPoolSize: variable('DB_POOL_SIZE', integerFromEnv(1, 1000).default(10)),
  /** Read replicas for the read path's lookups; empty: everything reads the primary. */
  replicaUrls: variable(
    'DATABASE_REPLICA_URLS',
    z
      .string()
      .transform((list) =>
        list
          .split(',')
          .map((url) => url.trim())
          .filter((url) => url !== ''),
      )
      .refine((urls) => urls.every(isMysqlUrl), 'each URL must start with mysql://')
      .default(() => []),
  ),
  /** How the read replicas are kept in rotation. */
  replicas: z.object({
    /** A replica further behind is taken out of rotation until a check finds it well again. */
    maxLagSeconds: variable('REPLICA_MAX_LAG_SECONDS', integerFromEnv(0, 3600).default(2)),
    /** How often each replica's lag is checked. */
    checkIntervalMs: variable(
      'REPLICA_CHECK_SECONDS',
      integerFromEnv(1, 3600)
        .default(1)
        .transform((seconds) => seconds * 1000),
    ),
  }),
  /** The change feed shared by every instance; undefined: this instance forgets only its own writes. */
  redisUrl: variable(
    'REDIS_URL',
    optionalSetting(z.string().refine((url) => /^rediss?:\/\//.test(url), 'must start with redis:// or rediss://')),
  ),
  /** The change feed's channel: one per deployment sharing a Redis. */
  redisChannel: variable('REDIS_CHANNEL', z.string().min(1).default('identity-labels:account-changes')),
  /** Who may see a disclosed real name (the owner always sees its own). */
  realNameViewers: variable('REAL_NAME_VIEWERS', z.enum(REAL_NAME_VIEWER_SETTINGS).default('verified')),
  /**
   * Without REAL_NAME_KEYS (development only), what writes real names (an import) refuses to store them in plain
   * text unless this says so on purpose.
   */
  storeRealNamesInPlainText: variable('STORE_REAL_NAMES_IN_PLAIN_TEXT', booleanFromEnv.default(false)),
  /**
   * The keys real names are encrypted with at rest; the embedded demo makes one per run. undefined (development
   * on MySQL without REAL_NAME_KEYS only): names are stored as plain text, where storeRealNamesInPlainText allows.
   */
  realNameKeys: variable(
    'REAL_NAME_KEYS',
    optionalSetting(
      z
        .string()
        .superRefine((keys, context) => {
          const problem = realNameKeysProblem(keys);
          if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
        })
        .transform((keys) => RealNameKeys.parse(keys)),
    ),
  ),
  /**
   * The key an erased account's id is remembered under (its tombstone, its audit entries); the embedded demo
   * makes one per run. undefined: `accounts erase` is refused, and so is an import once anything was erased.
   */
  pseudonymKey: variable(
    'PSEUDONYM_KEY',
    optionalSetting(
      z
        .string()
        .superRefine((key, context) => {
          const problem = pseudonymKeyProblem(key);
          if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
        })
        .transform((key) => PseudonymKey.parse(key)),
    ),
  ),
  /** How `displayName` shows a disclosed name. */
  displayNameFormat: variable(
    'DISPLAY_NAME_FORMAT',
    z
      .string()
      .min(1)
      .superRefine((format, context) => {
        for (const [, name = ''] of format.matchAll(PLACEHOLDER)) {
          if (!KNOWN_PLACEHOLDERS.has(name)) {
            context.addIssue({
              code: 'custom',
              message: `unknown placeholder {${name}}: use {nickname} and {realName}`,
            });
          }
        }
        if (!format.includes('{realName}')) {
          context.addIssue({ code: 'custom', message: 'must contain {realName}' });
        }
      })
      .default('{nickname} ({realName})'),
  ),
  /** A notified account stays subject until its followers fall below this share of the stage minimum. */
  hysteresisRatio: variable(
    'HYSTERESIS_RATIO',
    z
      .string()
      .regex(/^(0(\.\d+)?|1(\.0+)?)$/, 'must be a number between 0 and 1')
      .transform(Number)
      .default(0.9),
  ),
  /** How often the in-process copy of the policy stages is reloaded. */
  policyRefreshSeconds: variable('POLICY_REFRESH_SECONDS', integerFromEnv(1, 86400).default(30)),
  /** Largest IN list sent to the database; bigger batches are split into several queries. */
  maxInList: variable('MAX_IN_LIST', integerFromEnv(1, 10000).default(1000)),
  /** How often the server runs notify itself; 0 leaves it to `identity-labels notify`. */
  notifyIntervalSeconds: variable('NOTIFY_INTERVAL_SECONDS', integerFromEnv(0, 86400).default(300)),
  /** Data kept no longer than needed (PIPL Art. 19): what the purge deletes, and how often the server runs it. */
  retention: z.object({
    /** Audit entries older than this are deleted (three years by default: impact-assessment records are kept so long). */
    auditDays: variable('AUDIT_RETENTION_DAYS', integerFromEnv(30, 36_500).default(1096)),
    /** Notices the platform has delivered are deleted this long after delivery. */
    deliveredNoticeDays: variable('DELIVERED_NOTICE_RETENTION_DAYS', integerFromEnv(1, 3650).default(30)),
    /**
     * The keys of applied events (and the ids of posts deleted by an event) are kept so long: an event
     * redelivered within it changes nothing. At least as long as the stream keeps its messages.
     */
    processedEventDays: variable('EVENTS_DEDUP_RETENTION_DAYS', integerFromEnv(1, 3650).default(7)),
    /** How often the server purges; 0 leaves it to `identity-labels purge`. */
    intervalSeconds: variable('PURGE_INTERVAL_SECONDS', integerFromEnv(0, 604_800).default(86_400)),
  }),
  /** The shortest notice a MANDATORY stage may give (`identity-labels policy add` refuses less). */
  minMandatoryNoticeDays: variable('MIN_MANDATORY_NOTICE_DAYS', integerFromEnv(0, 365).default(7)),
  /** Federated traces (ftv1) for a router that asks for them; off: they cost on every field. */
  inlineTracing: variable('INLINE_TRACING', booleanFromEnv.default(false)),
  /** How operations run: compiled by graphql-jit (default), or graphql-js (for debugging). */
  graphqlExecutor: variable('GRAPHQL_EXECUTOR', z.enum(EXECUTORS).default('graphql-jit')),
  /** Most compiled operations kept in memory. */
  maxCompiledOperations: variable('COMPILED_OPERATIONS_MAX', integerFromEnv(1, 100_000).default(1000)),
  /** V8's semi-space size, set by the entry point before anything loads (v8-flags.ts); 0: V8's own. */
  youngGenerationSemiSpaceMb: variable(
    'YOUNG_GENERATION_SEMI_SPACE_MB',
    integerFromEnv(0, 1024).default(DEFAULT_SEMI_SPACE_MB),
  ),
  /** V8's allocation-site pretenuring (v8-flags.ts); auto: off when the row cache is off. */
  allocationSitePretenuring: variable('ALLOCATION_SITE_PRETENURING', z.enum(PRETENURING_CHOICES).default('auto')),
  /** Account rows shared across requests (facts only; the label is decided per request). */
  accountCache: z.object({
    /**
     * 0 ms is off. Rows are kept 2 s by default: long enough for the later fetches of a feed page (they come
     * within milliseconds), short enough to bound what an instance without the change feed (REDIS_URL) may
     * miss of another's writes.
     */
    ttlMs: variable('ACCOUNT_CACHE_TTL_MS', integerFromEnv(0, 3_600_000).default(2000)),
    /** Most account ids held; the least recently used go first. */
    maxEntries: variable('ACCOUNT_CACHE_MAX_ENTRIES', integerFromEnv(2, 10_000_000).default(100_000)),
  }),
  /** Traces (OpenTelemetry, docs/operations.md#traces): off unless OTEL_EXPORTER_OTLP_ENDPOINT is set. */
  tracing: z.object({
    /** The collector's base URL: spans are posted to <endpoint>/v1/traces. Unset: no tracing at all. */
    endpoint: variable(
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      optionalSetting(z.string().refine(isHttpUrl, 'must be an http:// or https:// URL (OTLP over HTTP)')),
    ),
    protocol: variable(
      'OTEL_EXPORTER_OTLP_PROTOCOL',
      z
        .enum(OTLP_PROTOCOLS, {
          error:
            'must be http/json: this service exports OTLP over HTTP as JSON (an OpenTelemetry Collector takes it on the same port as http/protobuf)',
        })
        .default('http/json'),
    ),
    serviceName: variable('OTEL_SERVICE_NAME', z.string().min(1).default('identity-labels')),
    /** Sent with every export (a collector's credentials): never logged. */
    headers: variable(
      'OTEL_EXPORTER_OTLP_HEADERS',
      z
        .string()
        .transform(otlpHeaders)
        .default(() => ({})),
    ),
  }),
  /** Logs are JSON lines (pino), from this level up. */
  logLevel: variable(
    'LOG_LEVEL',
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
  /** Where posts were made from (docs/ip-location.md). */
  ipLocation: z.object({
    /** POST /ip-locations exists only with it (or in the embedded demo); the posts service sends it. */
    writerSecret: variable('IP_LOCATION_WRITER_SECRET', optionalSetting(secretFromEnv)),
    /** The language of `IpLocation.label`. */
    language: variable('IP_LOCATION_LANGUAGE', z.enum(IP_LOCATION_LANGUAGES).default('zh')),
    /** Who is shown `ipLocation`; the others get null. */
    viewers: variable('IP_LOCATION_VIEWERS', z.enum(IP_LOCATION_VIEWER_SETTINGS).default('anyone')),
    /** The IP database files (.xdb or .db); undefined: the ones the ip2region package ships. */
    databasePaths: z
      .object({
        /** A folder holding both files: upstream's ip2region_v4.xdb and ip2region_v6.xdb, or the package's .db names. */
        directory: variable('IP_DATABASE_PATH', z.string().min(1).optional()),
        /** The IPv4 file alone (overrides the folder for it). */
        ipv4: variable('IP_DATABASE_V4_PATH', z.string().min(1).optional()),
        /** The IPv6 file alone (overrides the folder for it). */
        ipv6: variable('IP_DATABASE_V6_PATH', z.string().min(1).optional()),
      })
      .transform(({ directory, ipv4, ipv6 }) => ({
        ipv4: ipv4 ?? inDirectory(directory, IP_DATABASE_FILES.ipv4),
        ipv6: ipv6 ?? inDirectory(directory, IP_DATABASE_FILES.ipv6),
      })),
  }),
  /** Professional credentials and MCN agencies (docs/professional-labels.md). */
  professional: z.object({
    /** The language of `Qualification.label`, `McnAgency.label` and `Post.professionalLabel`. */
    language: variable('PROFESSIONAL_LABEL_LANGUAGE', z.enum(LABEL_LANGUAGES).default('zh')),
    /** Which professional field a post's category belongs to: category=FIELD pairs, compared regardless of case. */
    categoryFields: variable(
      'PROFESSIONAL_CATEGORY_FIELDS',
      z
        .string()
        .default(DEFAULT_CATEGORY_FIELDS)
        .superRefine((setting, context) => {
          const problem = categoryFieldsProblem(setting);
          if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
        })
        .transform(parseCategoryFields),
    ),
  }),
  events: eventSettings,
});

/** What production refuses to start without; run only once every variable is valid on its own. */
/**
 * Who reads the configuration: the server, or a command, which needs only what it uses (a command serves no
 * requests, so it needs no router secret; one that stores names asks for their key itself).
 */
export type ConfigReader = 'server' | 'command';

function productionChecks(config: z.output<typeof settings>, context: z.RefinementCtx, reader: ConfigReader): void {
  const problem = (path: string[], message: string) => context.addIssue({ code: 'custom', path, message });
  const server = reader === 'server';
  if (server && config.production && config.routerSecret === undefined && !config.allowUnauthenticated) {
    problem(
      ['routerSecret'],
      'required when NODE_ENV=production, so that only the router can call this subgraph (set ' +
        'ALLOW_UNAUTHENTICATED=true to run without it on purpose)',
    );
  }
  if (config.production && config.databaseUrl === undefined) {
    // Without it the service would serve the embedded demo data: invented people, and no real account.
    problem(['databaseUrl'], 'required when NODE_ENV=production (the embedded demo database is for trying it out)');
  }
  if (server && config.production && config.realNameKeys === undefined) {
    problem(
      ['realNameKeys'],
      'required when NODE_ENV=production, so that no real name is stored readable: ' +
        'keyId:base64-of-32-bytes, kept in a secret store (`identity-labels keys generate` makes one)',
    );
  }
  if (config.production && config.storeRealNamesInPlainText) {
    problem(['storeRealNamesInPlainText'], 'never in production: real names are stored encrypted (REAL_NAME_KEYS)');
  }
  const eventsOn = config.events.natsUrl !== undefined || config.events.writerSecret !== undefined;
  if (eventsOn && config.databaseUrl !== undefined && config.pseudonymKey === undefined) {
    // account.closed is an erasure, and an erased account is remembered under this key.
    problem(['pseudonymKey'], 'required with NATS_URL or EVENTS_WRITER_SECRET (account.closed erases the account)');
  }
  if (config.replicaUrls.length > 0 && config.databaseUrl === undefined) {
    problem(['replicaUrls'], 'needs DATABASE_URL (the embedded demo database has no replicas)');
  }
}

const configSchema = (reader: ConfigReader) =>
  settings
    // A transform rather than a refinement: zod runs it only once every variable is valid on its own, so a
    // production check never reasons from a value that was refused.
    .transform((config, context) => {
      productionChecks(config, context, reader);
      return config;
    })
    .transform(withDefaultKeys);

const SCHEMAS = { server: configSchema('server'), command: configSchema('command') };

function withDefaultKeys({ allowUnauthenticated: _checked, ...config }: z.output<typeof settings>) {
  return {
    ...config,
    // The embedded demo database, gone when the process stops, gets a fresh key per run.
    realNameKeys: config.realNameKeys ?? (config.databaseUrl === undefined ? RealNameKeys.generate('demo') : undefined),
    pseudonymKey:
      config.pseudonymKey ?? (config.databaseUrl === undefined ? PseudonymKey.parse(newPseudonymKey()) : undefined),
  };
}

export type Config = z.output<(typeof SCHEMAS)['server']>;

/** Where each variable lands in the configuration: ['replicas', 'maxLagSeconds'] for REPLICA_MAX_LAG_SECONDS. */
function placesOf(schema: z.ZodType, path: readonly string[] = []): { path: readonly string[]; variable: string }[] {
  const declared = VARIABLES.get(schema);
  if (declared !== undefined) return [{ path, variable: declared.variable }];
  if (schema instanceof z.ZodPipe) return placesOf(schema.in as z.ZodType, path);
  if (schema instanceof z.ZodObject) {
    return Object.entries(schema.shape as Record<string, z.ZodType>).flatMap(([key, setting]) =>
      placesOf(setting, [...path, key]),
    );
  }
  throw new Error(`configuration: ${path.join('.')} is read from no variable`);
}

const PLACES = placesOf(settings);

/** Every environment variable the service reads (docs/configuration.md lists each). */
export const ENVIRONMENT_VARIABLES: readonly string[] = PLACES.map((place) => place.variable);

/** The environment in the configuration's shape; an empty variable is an unset one. */
function settingsInput(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const place of PLACES) {
    let group = input;
    for (const key of place.path.slice(0, -1)) group = (group[key] ??= {}) as Record<string, unknown>;
    const value = env[place.variable];
    if (value !== undefined && value !== '') group[place.path.at(-1)!] = value;
  }
  return input;
}

const VARIABLE_AT = new Map(PLACES.map((place) => [place.path.join('.'), place.variable]));

/** The variable a problem is about: the one read into its place, or into the nearest place above it. */
function variableAt(path: readonly PropertyKey[]): string {
  for (let length = path.length; length > 0; length -= 1) {
    const variable = VARIABLE_AT.get(path.slice(0, length).map(String).join('.'));
    if (variable !== undefined) return variable;
  }
  return 'configuration';
}

export class ConfigError extends ExpectedFailure {
  override name = 'ConfigError';
  constructor(message: string) {
    super('CONFIG_INVALID', message);
  }
}

/** Parses the environment; throws a ConfigError naming every bad variable and what is wrong with it. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, reader: ConfigReader = 'server'): Config {
  const result = SCHEMAS[reader].safeParse(settingsInput(env));
  if (result.success) return result.data;
  // Never echo a value back: DATABASE_URL may hold a password, REAL_NAME_KEYS holds keys.
  const problems = result.error.issues.map((issue) => `${variableAt(issue.path)}: ${issue.message}`);
  throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
}
