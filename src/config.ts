// Reads and validates every setting once, at start-up; the rest of the code gets a typed Config.
import { join } from 'node:path';
import { z } from 'zod';
import { ExpectedFailure } from './errors';
import { RealNameKeys, realNameKeysProblem } from './crypto/real-name-keys';
import type { IpDatabasePaths } from './ip-location/ip-database';
import { IP_LOCATION_LANGUAGES, type IpLocationLanguage } from './ip-location/label';
import { IP_LOCATION_VIEWER_SETTINGS, type IpLocationViewers } from './ip-location/visibility';
import { EXECUTORS, type ExecutorKind } from './graphql/executor';
import { REAL_NAME_VIEWER_SETTINGS, type RealNameViewers } from './policy/types';

const PLACEHOLDER = /\{([^{}]*)\}/g;
const KNOWN_PLACEHOLDERS = new Set(['nickname', 'realName']);

/**
 * Rows are kept 2 s: long enough for the later fetches of a feed page (they come within milliseconds), short
 * enough to bound what an instance without the change feed (REDIS_URL) may miss of another's writes.
 */
const DEFAULT_CACHE_TTL_MS = 2000;

const booleanFromEnv = z.enum(['true', 'false']).transform((value) => value === 'true');

const integerFromEnv = (min: number, max: number) =>
  z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().int().min(min).max(max));

const environmentSchema = z.object({
  NODE_ENV: z.string().default('development'),
  ROUTER_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  ALLOW_UNAUTHENTICATED: booleanFromEnv.default(false),
  MAX_BODY_BYTES: integerFromEnv(1024, 100 * 1024 * 1024).default(1024 * 1024),
  MAX_REPRESENTATIONS: integerFromEnv(1, 100_000).default(1000),
  MAX_QUERY_DEPTH: integerFromEnv(1, 100).default(10),
  MAX_ALIASES: integerFromEnv(0, 1000).default(15),
  MAX_QUERY_COST: integerFromEnv(1, 1_000_000).default(5000),
  MAX_QUERY_TOKENS: integerFromEnv(10, 1_000_000).default(2000),
  DB_QUERY_TIMEOUT_MS: integerFromEnv(10, 600_000).default(2000),
  DB_CONNECT_TIMEOUT_MS: integerFromEnv(10, 600_000).default(2000),
  DB_QUEUE_LIMIT: integerFromEnv(1, 100_000).default(200),
  PORT: integerFromEnv(0, 65535).default(4001),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .refine((url) => /^mysql:\/\//.test(url), 'must start with mysql:// (leave it unset for the embedded database)')
    .optional(),
  DATABASE_REPLICA_URLS: z
    .string()
    .transform((list) =>
      list
        .split(',')
        .map((url) => url.trim())
        .filter((url) => url !== ''),
    )
    .refine((urls) => urls.every((url) => /^mysql:\/\//.test(url)), 'each URL must start with mysql://')
    .optional(),
  REPLICA_MAX_LAG_SECONDS: integerFromEnv(0, 3600).default(2),
  REPLICA_CHECK_SECONDS: integerFromEnv(1, 3600).default(1),
  REDIS_URL: z
    .string()
    .refine((url) => /^rediss?:\/\//.test(url), 'must start with redis:// or rediss://')
    .optional(),
  REDIS_CHANNEL: z.string().min(1).default('identity-labels:account-changes'),
  RUN_MIGRATIONS: booleanFromEnv.default(true),
  DB_POOL_SIZE: integerFromEnv(1, 1000).default(10),
  REAL_NAME_VIEWERS: z.enum(REAL_NAME_VIEWER_SETTINGS).default('verified'),
  REAL_NAME_KEYS: z
    .string()
    .superRefine((keys, context) => {
      const problem = realNameKeysProblem(keys);
      if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
  DISPLAY_NAME_FORMAT: z
    .string()
    .min(1)
    .superRefine((format, context) => {
      for (const [, name = ''] of format.matchAll(PLACEHOLDER)) {
        if (!KNOWN_PLACEHOLDERS.has(name)) {
          context.addIssue({ code: 'custom', message: `unknown placeholder {${name}}: use {nickname} and {realName}` });
        }
      }
      if (!format.includes('{realName}')) {
        context.addIssue({ code: 'custom', message: 'must contain {realName}' });
      }
    })
    .default('{nickname} ({realName})'),
  HYSTERESIS_RATIO: z
    .string()
    .regex(/^(0(\.\d+)?|1(\.0+)?)$/, 'must be a number between 0 and 1')
    .transform(Number)
    .default(0.9),
  POLICY_REFRESH_SECONDS: integerFromEnv(1, 86400).default(30),
  MAX_IN_LIST: integerFromEnv(1, 10000).default(1000),
  NOTIFY_INTERVAL_SECONDS: integerFromEnv(0, 86400).default(300),
  MIN_MANDATORY_NOTICE_DAYS: integerFromEnv(0, 365).default(7),
  INLINE_TRACING: booleanFromEnv.default(false),
  GRAPHQL_EXECUTOR: z.enum(EXECUTORS).default('graphql-jit'),
  COMPILED_OPERATIONS_MAX: integerFromEnv(1, 100_000).default(1000),
  ACCOUNT_CACHE_TTL_MS: integerFromEnv(0, 3_600_000).default(DEFAULT_CACHE_TTL_MS),
  ACCOUNT_CACHE_MAX_ENTRIES: integerFromEnv(1, 10_000_000).default(50_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  IP_LOCATION_WRITER_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  IP_LOCATION_LANGUAGE: z.enum(IP_LOCATION_LANGUAGES).default('zh'),
  IP_LOCATION_VIEWERS: z.enum(IP_LOCATION_VIEWER_SETTINGS).default('anyone'),
  IP_DATABASE_PATH: z.string().min(1).optional(),
  IP_DATABASE_V4_PATH: z.string().min(1).optional(),
  IP_DATABASE_V6_PATH: z.string().min(1).optional(),
});

/** The file names of the ip2region package, looked for in IP_DATABASE_PATH. */
const IP_DATABASE_FILES = { ipv4: 'ip2region.db', ipv6: 'ipv6wry.db' };

export interface Config {
  production: boolean;
  /** When set, every GraphQL request must carry it in the router-authorization header. */
  routerSecret: string | undefined;
  maxBodyBytes: number;
  maxRepresentations: number;
  maxQueryDepth: number;
  maxAliases: number;
  maxQueryCost: number;
  maxQueryTokens: number;
  /** Longest wait for account data, queueing for a connection included; then IDENTITY_UNAVAILABLE. */
  dbQueryTimeoutMs: number;
  dbConnectTimeoutMs: number;
  /** Requests that may wait for a pool connection; beyond that they are shed at once. */
  dbQueueLimit: number;
  port: number;
  host: string;
  /** undefined selects the embedded sql.js database with demo data. */
  databaseUrl: string | undefined;
  runMigrations: boolean;
  dbPoolSize: number;
  /** Read replicas for the read path's lookups; empty: everything reads the primary. */
  replicaUrls: string[];
  replicas: { maxLagSeconds: number; checkIntervalMs: number };
  /** The change feed shared by every instance; undefined: this instance forgets only its own writes. */
  redisUrl: string | undefined;
  redisChannel: string;
  realNameViewers: RealNameViewers;
  /**
   * The keys real names are encrypted with at rest; the embedded demo makes one per run. undefined (development
   * on MySQL without REAL_NAME_KEYS only): names are stored as plain text.
   */
  realNameKeys: RealNameKeys | undefined;
  displayNameFormat: string;
  /** A notified account stays subject until its followers fall below this share of the stage minimum. */
  hysteresisRatio: number;
  policyRefreshSeconds: number;
  /** Largest IN list sent to the database; bigger batches are split into several queries. */
  maxInList: number;
  /** How often the server runs notify itself; 0 leaves it to `identity-labels notify`. */
  notifyIntervalSeconds: number;
  /** The shortest notice a MANDATORY stage may give (`identity-labels policy add` refuses less). */
  minMandatoryNoticeDays: number;
  /** Federated traces (ftv1) for a router that asks for them; off: they cost on every field. */
  inlineTracing: boolean;
  /** How operations run: compiled by graphql-jit (default), or graphql-js (for debugging). */
  graphqlExecutor: ExecutorKind;
  /** Most compiled operations kept in memory. */
  maxCompiledOperations: number;
  /** Account rows shared across requests (facts only; the label is decided per request): 0 ms is off. */
  accountCache: { ttlMs: number; maxEntries: number };
  logLevel: string;
  ipLocation: IpLocationSettings;
}

export interface IpLocationSettings {
  /** POST /ip-locations exists only with it (or in the embedded demo); the posts service sends it. */
  writerSecret: string | undefined;
  language: IpLocationLanguage;
  viewers: IpLocationViewers;
  /** The IP database files; undefined: the ones the ip2region package ships. */
  databasePaths: IpDatabasePaths;
}

function inDirectory(directory: string | undefined, file: string): string | undefined {
  return directory === undefined ? undefined : join(directory, file);
}

/** The configured keys; the embedded demo database, gone when the process stops, gets a fresh key per run. */
function realNameKeys(text: string | undefined, databaseUrl: string | undefined): RealNameKeys | undefined {
  if (text !== undefined) return RealNameKeys.parse(text);
  return databaseUrl === undefined ? RealNameKeys.generate('demo') : undefined;
}

export class ConfigError extends ExpectedFailure {
  override name = 'ConfigError';
  constructor(message: string) {
    super('CONFIG_INVALID', message);
  }
}

/** Parses the environment; throws a ConfigError naming every bad variable and what is wrong with it. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = environmentSchema.safeParse(present);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const variable = String(issue.path[0]);
      // Never echo a value back: DATABASE_URL may hold a password, REAL_NAME_KEYS holds keys.
      return `${variable}: ${issue.message}`;
    });
    throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const parsed = result.data;
  const production = parsed.NODE_ENV === 'production';
  const problems: string[] = [];
  if (production && parsed.ROUTER_SECRET === undefined && !parsed.ALLOW_UNAUTHENTICATED) {
    problems.push(
      'ROUTER_SECRET: required when NODE_ENV=production, so that only the router can call this subgraph (set ' +
        'ALLOW_UNAUTHENTICATED=true to run without it on purpose)',
    );
  }
  if (production && parsed.DATABASE_URL === undefined) {
    // Without it the service would serve the embedded demo data: invented people, and no real account.
    problems.push('DATABASE_URL: required when NODE_ENV=production (the embedded demo database is for trying it out)');
  }
  if (production && parsed.REAL_NAME_KEYS === undefined) {
    problems.push(
      'REAL_NAME_KEYS: required when NODE_ENV=production, so that no real name is stored readable: ' +
        'keyId:base64-of-32-bytes, kept in a secret store (`identity-labels keys generate` makes one)',
    );
  }
  if (parsed.DATABASE_REPLICA_URLS !== undefined && parsed.DATABASE_URL === undefined) {
    problems.push('DATABASE_REPLICA_URLS: needs DATABASE_URL (the embedded demo database has no replicas)');
  }
  if (problems.length > 0) throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  return {
    production,
    routerSecret: parsed.ROUTER_SECRET,
    maxBodyBytes: parsed.MAX_BODY_BYTES,
    maxRepresentations: parsed.MAX_REPRESENTATIONS,
    maxQueryDepth: parsed.MAX_QUERY_DEPTH,
    maxAliases: parsed.MAX_ALIASES,
    maxQueryCost: parsed.MAX_QUERY_COST,
    maxQueryTokens: parsed.MAX_QUERY_TOKENS,
    dbQueryTimeoutMs: parsed.DB_QUERY_TIMEOUT_MS,
    dbConnectTimeoutMs: parsed.DB_CONNECT_TIMEOUT_MS,
    dbQueueLimit: parsed.DB_QUEUE_LIMIT,
    port: parsed.PORT,
    host: parsed.HOST,
    databaseUrl: parsed.DATABASE_URL,
    runMigrations: parsed.RUN_MIGRATIONS,
    dbPoolSize: parsed.DB_POOL_SIZE,
    replicaUrls: parsed.DATABASE_REPLICA_URLS ?? [],
    replicas: { maxLagSeconds: parsed.REPLICA_MAX_LAG_SECONDS, checkIntervalMs: parsed.REPLICA_CHECK_SECONDS * 1000 },
    redisUrl: parsed.REDIS_URL,
    redisChannel: parsed.REDIS_CHANNEL,
    realNameViewers: parsed.REAL_NAME_VIEWERS,
    realNameKeys: realNameKeys(parsed.REAL_NAME_KEYS, parsed.DATABASE_URL),
    displayNameFormat: parsed.DISPLAY_NAME_FORMAT,
    hysteresisRatio: parsed.HYSTERESIS_RATIO,
    policyRefreshSeconds: parsed.POLICY_REFRESH_SECONDS,
    maxInList: parsed.MAX_IN_LIST,
    notifyIntervalSeconds: parsed.NOTIFY_INTERVAL_SECONDS,
    minMandatoryNoticeDays: parsed.MIN_MANDATORY_NOTICE_DAYS,
    inlineTracing: parsed.INLINE_TRACING,
    graphqlExecutor: parsed.GRAPHQL_EXECUTOR,
    maxCompiledOperations: parsed.COMPILED_OPERATIONS_MAX,
    accountCache: { ttlMs: parsed.ACCOUNT_CACHE_TTL_MS, maxEntries: parsed.ACCOUNT_CACHE_MAX_ENTRIES },
    logLevel: parsed.LOG_LEVEL,
    ipLocation: {
      writerSecret: parsed.IP_LOCATION_WRITER_SECRET,
      language: parsed.IP_LOCATION_LANGUAGE,
      viewers: parsed.IP_LOCATION_VIEWERS,
      databasePaths: {
        ipv4: parsed.IP_DATABASE_V4_PATH ?? inDirectory(parsed.IP_DATABASE_PATH, IP_DATABASE_FILES.ipv4),
        ipv6: parsed.IP_DATABASE_V6_PATH ?? inDirectory(parsed.IP_DATABASE_PATH, IP_DATABASE_FILES.ipv6),
      },
    },
  };
}
