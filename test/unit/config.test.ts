import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { ConfigError, loadConfig } from '../../src/config';
import { PseudonymKey } from '../../src/crypto/pseudonym-key';
import { RealNameKeys } from '../../src/crypto/real-name-keys';
import { DEFAULT_CATEGORY_FIELDS, parseCategoryFields } from '../../src/professional/categories';

const KEY_1 = Buffer.alloc(32, 1).toString('base64');
const KEY_2 = Buffer.alloc(32, 2).toString('base64');
const MYSQL = 'mysql://u:p@db:3306/identity';

describe('configuration', () => {
  it('has sensible defaults for everything', () => {
    expect(loadConfig({})).toEqual({
      realNameKeys: expect.any(RealNameKeys), // the embedded demo's, made per run
      pseudonymKey: expect.any(PseudonymKey), // likewise
      production: false,
      routerSecret: undefined,
      maxBodyBytes: 1048576,
      maxRepresentations: 1000,
      maxQueryDepth: 10,
      maxAliases: 15,
      maxQueryCost: 5000,
      maxQueryTokens: 2000,
      dbQueryTimeoutMs: 2000,
      dbConnectTimeoutMs: 2000,
      dbQueueLimit: 200,
      port: 4001,
      host: '0.0.0.0',
      databaseUrl: undefined,
      runMigrations: true,
      dbPoolSize: 10,
      realNameViewers: 'verified',
      storeRealNamesInPlainText: false,
      displayNameFormat: '{nickname} ({realName})',
      hysteresisRatio: 0.9,
      policyRefreshSeconds: 30,
      maxInList: 1000,
      notifyIntervalSeconds: 300,
      retention: { auditDays: 1096, deliveredNoticeDays: 30, processedEventDays: 7, intervalSeconds: 86400 },
      minMandatoryNoticeDays: 7,
      inlineTracing: false,
      graphqlExecutor: 'graphql-jit',
      maxCompiledOperations: 1000,
      youngGenerationSemiSpaceMb: 32,
      allocationSitePretenuring: 'auto',
      replicaUrls: [],
      replicas: { maxLagSeconds: 2, checkIntervalMs: 1000 },
      redisUrl: undefined,
      redisChannel: 'identity-labels:account-changes',
      accountCache: { ttlMs: 2000, maxEntries: 100_000 },
      logLevel: 'info',
      tracing: { endpoint: undefined, protocol: 'http/json', serviceName: 'identity-labels', headers: {} },
      ipLocation: {
        writerSecret: undefined,
        language: 'zh',
        viewers: 'anyone',
        databasePaths: { ipv4: undefined, ipv6: undefined },
      },
      professional: { language: 'zh', categoryFields: parseCategoryFields(DEFAULT_CATEGORY_FIELDS) },
      events: {
        natsUrl: undefined,
        stream: 'platform-events',
        consumer: 'identity-labels',
        deadLetterSubject: 'identity-labels.dead-letter',
        outPrefix: 'identity-labels.out',
        batchSize: 1000,
        writerSecret: undefined,
      },
    });
  });

  it('reads the professional label settings: the language, and a category mapping that replaces the default', () => {
    const { professional } = loadConfig({
      PROFESSIONAL_LABEL_LANGUAGE: 'en',
      PROFESSIONAL_CATEGORY_FIELDS: 'Stocks=FINANCE, kids = EDUCATION',
    });
    expect(professional).toEqual({
      language: 'en',
      categoryFields: new Map([
        ['stocks', 'FINANCE'],
        ['kids', 'EDUCATION'],
      ]),
    });
  });

  it('reads the event settings, and refuses names NATS would not take, without echoing them', () => {
    const database = {
      DATABASE_URL: 'mysql://u:p@db/identity',
      PSEUDONYM_KEY: 'AZTynN10d3740gdhZE4XV716Z0wRyxSJpM4gOSRoQY8=',
    };
    expect(
      loadConfig({ ...database, NATS_URL: 'nats://127.0.0.1:4222', EVENTS_STREAM: 'events', EVENTS_OUT_PREFIX: 'a.b' })
        .events,
    ).toMatchObject({ natsUrl: 'nats://127.0.0.1:4222', stream: 'events', outPrefix: 'a.b' });
    expect(() => loadConfig({ ...database, NATS_URL: 'http://secret-host:4222' })).toThrow(
      /NATS_URL: must be nats:\/\//,
    );
    expect(() => loadConfig({ ...database, NATS_URL: 'http://secret-host:4222' })).not.toThrow(/secret-host/);
    expect(() => loadConfig({ EVENTS_STREAM: 'a.b' })).toThrow(/EVENTS_STREAM: must be 1-255 characters/);
    expect(() => loadConfig({ EVENTS_OUT_PREFIX: 'out.>' })).toThrow(/EVENTS_OUT_PREFIX: must be a NATS subject/);
    expect(() => loadConfig({ EVENTS_DEAD_LETTER_SUBJECT: 'dead letter' })).toThrow(/EVENTS_DEAD_LETTER_SUBJECT/);
  });

  it('consumes events only with the key an erasure needs', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://db/x', NATS_URL: 'nats://127.0.0.1:4222' })).toThrow(
      /PSEUDONYM_KEY: required with NATS_URL or EVENTS_WRITER_SECRET/,
    );
    expect(() => loadConfig({ DATABASE_URL: 'mysql://db/x', EVENTS_WRITER_SECRET: 'a-long-events-secret' })).toThrow(
      /PSEUDONYM_KEY: required/,
    );
  });

  it('reads the IP location settings; a database directory holds the files under ip2region’s names', () => {
    expect(
      loadConfig({
        IP_LOCATION_WRITER_SECRET: 'a-long-writer-secret',
        IP_LOCATION_LANGUAGE: 'en',
        IP_LOCATION_VIEWERS: 'verified',
        IP_DATABASE_PATH: '/data/ip',
      }).ipLocation,
    ).toEqual({
      writerSecret: 'a-long-writer-secret',
      language: 'en',
      viewers: 'verified',
      databasePaths: { ipv4: '/data/ip/ip2region.db', ipv6: '/data/ip/ipv6wry.db' },
    });
    expect(
      loadConfig({ IP_DATABASE_PATH: '/data/ip', IP_DATABASE_V4_PATH: '/fresh/v4.db' }).ipLocation.databasePaths,
    ).toEqual({ ipv4: '/fresh/v4.db', ipv6: '/data/ip/ipv6wry.db' });
    expect(loadConfig({ IP_DATABASE_V6_PATH: '/fresh/v6.db' }).ipLocation.databasePaths).toEqual({
      ipv4: undefined,
      ipv6: '/fresh/v6.db',
    });
  });

  it('takes upstream’s .xdb files from the IP database directory when they are there, the .db names otherwise', () => {
    const directory = mkdtempSync(join(tmpdir(), 'ip-data-'));
    try {
      writeFileSync(join(directory, 'ip2region_v4.xdb'), '');
      expect(loadConfig({ IP_DATABASE_PATH: directory }).ipLocation.databasePaths).toEqual({
        ipv4: join(directory, 'ip2region_v4.xdb'),
        ipv6: join(directory, 'ipv6wry.db'),
      });
      writeFileSync(join(directory, 'ip2region_v6.xdb'), '');
      expect(loadConfig({ IP_DATABASE_PATH: directory }).ipLocation.databasePaths).toEqual({
        ipv4: join(directory, 'ip2region_v4.xdb'),
        ipv6: join(directory, 'ip2region_v6.xdb'),
      });
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '5000',
      DATABASE_URL: 'mysql://u:p@db:3306/identity',
      RUN_MIGRATIONS: 'false',
      REAL_NAME_VIEWERS: 'signed-in',
      DISPLAY_NAME_FORMAT: '{realName}',
      HYSTERESIS_RATIO: '0.85',
      MAX_IN_LIST: '500',
      ALLOCATION_SITE_PRETENURING: 'off',
    });
    expect(loadConfig({ ALLOCATION_SITE_PRETENURING: 'on' }).allocationSitePretenuring).toBe('on');
    expect(config).toMatchObject({
      port: 5000,
      databaseUrl: 'mysql://u:p@db:3306/identity',
      runMigrations: false,
      realNameViewers: 'signed-in',
      displayNameFormat: '{realName}',
      hysteresisRatio: 0.85,
      maxInList: 500,
      allocationSitePretenuring: 'off',
    });
  });

  it('reads the standard OpenTelemetry variables: the collector, its protocol and headers, the service name', () => {
    expect(
      loadConfig({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_SERVICE_NAME: 'identity-labels-staging',
        OTEL_EXPORTER_OTLP_HEADERS: 'api-key=s3cr%3Dt, x-tenant = social',
      }).tracing,
    ).toEqual({
      endpoint: 'http://collector:4318',
      protocol: 'http/json',
      serviceName: 'identity-labels-staging',
      headers: { 'api-key': 's3cr=t', 'x-tenant': 'social' },
    });
  });

  it.each([
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' }, /OTEL_EXPORTER_OTLP_PROTOCOL: must be http\/json/],
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, /OTEL_EXPORTER_OTLP_PROTOCOL: must be http\/json/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4317' }, /OTEL_EXPORTER_OTLP_ENDPOINT: must be an http:\/\//],
    [{ OTEL_EXPORTER_OTLP_HEADERS: 'api-key s3cret-value' }, /OTEL_EXPORTER_OTLP_HEADERS: must be name=value pairs/],
  ])('refuses %j, saying what is allowed and never echoing a header or an address', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
    expect(() => loadConfig(env)).not.toThrow(/s3cret-value|collector:4317/);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ DATABASE_URL: '' }).databaseUrl).toBeUndefined();
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT: must be a whole number/],
    [{ PORT: '70000' }, /PORT:/],
    [{ REAL_NAME_VIEWERS: 'everyone' }, /REAL_NAME_VIEWERS:.*anyone/],
    [{ DISPLAY_NAME_FORMAT: '{nickname} {fullName}' }, /DISPLAY_NAME_FORMAT: unknown placeholder \{fullName\}/],
    [{ DISPLAY_NAME_FORMAT: '{nickname}' }, /DISPLAY_NAME_FORMAT: must contain \{realName\}/],
    [{ HYSTERESIS_RATIO: '1.5' }, /HYSTERESIS_RATIO: must be a number between 0 and 1/],
    [{ RUN_MIGRATIONS: 'yes' }, /RUN_MIGRATIONS:/],
    [{ DATABASE_URL: 'postgres://localhost/x' }, /DATABASE_URL: must start with mysql:\/\//],
    [{ IP_LOCATION_WRITER_SECRET: 'short' }, /IP_LOCATION_WRITER_SECRET: must be at least 16 characters/],
    [{ IP_LOCATION_LANGUAGE: 'fr' }, /IP_LOCATION_LANGUAGE:.*zh.*en/],
    [{ IP_LOCATION_VIEWERS: 'everyone' }, /IP_LOCATION_VIEWERS:.*anyone/],
    [{ PROFESSIONAL_LABEL_LANGUAGE: 'fr' }, /PROFESSIONAL_LABEL_LANGUAGE:.*zh.*en/],
    [{ PROFESSIONAL_CATEGORY_FIELDS: 'stocks' }, /PROFESSIONAL_CATEGORY_FIELDS: entry 1 of 1 is not category=FIELD/],
    [{ PROFESSIONAL_CATEGORY_FIELDS: 'stocks=MONEY' }, /PROFESSIONAL_CATEGORY_FIELDS: entry 1 of 1 names no field/],
    [{ ALLOCATION_SITE_PRETENURING: 'no' }, /ALLOCATION_SITE_PRETENURING:.*auto.*on.*off/],
  ])('rejects %o naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  const DATABASE = {
    DATABASE_URL: 'mysql://u@db:3306/identity',
    REAL_NAME_KEYS: 'k1:aWRlbnRpdHktbGFiZWxzLXRlc3Qta2V5LTMyYnl0ZXM=',
  };

  it('refuses production without ROUTER_SECRET unless unauthenticated access is allowed on purpose', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', ...DATABASE })).toThrow(
      /ROUTER_SECRET: required when NODE_ENV=production/,
    );
    expect(loadConfig({ NODE_ENV: 'production', ALLOW_UNAUTHENTICATED: 'true', ...DATABASE }).production).toBe(true);
    expect(
      loadConfig({ NODE_ENV: 'production', ROUTER_SECRET: 'a-long-shared-secret', ...DATABASE }).routerSecret,
    ).toBe('a-long-shared-secret');
    expect(() => loadConfig({ ROUTER_SECRET: 'short' })).toThrow(/ROUTER_SECRET: must be at least 16 characters/);
  });

  it('refuses production without DATABASE_URL: the embedded demo data is for trying the service out', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', ALLOW_UNAUTHENTICATED: 'true' })).toThrow(
      /DATABASE_URL: required when NODE_ENV=production/,
    );
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/ROUTER_SECRET: required[^]*DATABASE_URL: required/);
    expect(loadConfig({ ALLOW_UNAUTHENTICATED: 'true' }).databaseUrl).toBeUndefined(); // development: the demo
  });

  it('reads the read replicas, the lag they may have and the change feed', () => {
    const config = loadConfig({
      DATABASE_URL: 'mysql://root@primary:3306/identity',
      DATABASE_REPLICA_URLS: ' mysql://reader:pw@replica-1:3306/identity, mysql://reader:pw@replica-2/identity ,',
      REPLICA_MAX_LAG_SECONDS: '5',
      REPLICA_CHECK_SECONDS: '3',
      REDIS_URL: 'redis://cache:6379/0',
      REDIS_CHANNEL: 'staging:account-changes',
    });
    expect(config.replicaUrls).toEqual([
      'mysql://reader:pw@replica-1:3306/identity',
      'mysql://reader:pw@replica-2/identity',
    ]);
    expect(config.replicas).toEqual({ maxLagSeconds: 5, checkIntervalMs: 3000 });
    expect(config.redisUrl).toBe('redis://cache:6379/0');
    expect(config.redisChannel).toBe('staging:account-changes');
  });

  it('refuses replicas without a primary, a replica URL that is not MySQL, and a Redis URL that is not Redis', () => {
    expect(() => loadConfig({ DATABASE_REPLICA_URLS: 'mysql://replica/identity' })).toThrow(
      /DATABASE_REPLICA_URLS: needs DATABASE_URL/,
    );
    let message = '';
    try {
      loadConfig({
        DATABASE_URL: 'mysql://root@primary/identity',
        DATABASE_REPLICA_URLS: 'mysql://replica/identity,postgres://reader:hunter2@replica-2/identity',
        REDIS_URL: 'http://user:hunter2@cache:6379',
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/DATABASE_REPLICA_URLS: each URL must start with mysql:\/\//);
    expect(message).toMatch(/REDIS_URL: must start with redis:\/\/ or rediss:\/\//);
    expect(message).not.toContain('hunter2');
  });

  it('reads MIN_MANDATORY_NOTICE_DAYS, a whole number of days', () => {
    expect(loadConfig({ MIN_MANDATORY_NOTICE_DAYS: '14' }).minMandatoryNoticeDays).toBe(14);
    expect(() => loadConfig({ MIN_MANDATORY_NOTICE_DAYS: '-1' })).toThrow(/MIN_MANDATORY_NOTICE_DAYS/);
  });

  it('reports every bad variable at once, without echoing values', () => {
    let message = '';
    try {
      loadConfig({ PORT: 'x', DATABASE_URL: 'postgres://user:secret@host/db' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/PORT/);
    expect(message).toMatch(/DATABASE_URL/);
    expect(message).not.toContain('secret');
  });

  it('has no real name keys by default on MySQL outside production: names are then stored as plain text', () => {
    expect(loadConfig({ DATABASE_URL: MYSQL }).realNameKeys).toBeUndefined();
  });

  it('makes a fresh key per run for the embedded demo database', () => {
    const first = loadConfig({}).realNameKeys!;
    const second = loadConfig({}).realNameKeys!;
    expect(first.ids).toEqual(['demo']);
    expect(first.key('demo')!.equals(second.key('demo')!)).toBe(false);
  });

  it('reads REAL_NAME_KEYS: the first key encrypts, every key decrypts', () => {
    const keys = loadConfig({ REAL_NAME_KEYS: ` k2:${KEY_2} , k1:${KEY_1}`, DATABASE_URL: MYSQL }).realNameKeys!;
    expect(keys.currentId).toBe('k2');
    expect(keys.ids).toEqual(['k2', 'k1']);
    expect(keys.key('k1')!.export()).toEqual(Buffer.alloc(32, 1));
  });

  it.each([
    ['no key id', KEY_1, /entry 1 is not keyId:base64-of-32-bytes/],
    ['a key id with a space', `my key:${KEY_1}`, /entry 1 is not/],
    ['a key of 16 bytes', `k1:${Buffer.alloc(16, 7).toString('base64')}`, /entry 1 is not/],
    ['a key in base64url', `k1:${Buffer.alloc(32, 0xfb).toString('base64url')}`, /entry 1 is not/],
    ['an empty entry', `k1:${KEY_1},`, /entry 2 is not/],
    ['a key id twice', `k1:${KEY_1},k1:${KEY_2}`, /entries 1 and 2 have the same key id/],
  ])('refuses REAL_NAME_KEYS with %s, naming the variable and never echoing a key', (_case, value, message) => {
    let error: unknown;
    try {
      loadConfig({ REAL_NAME_KEYS: value });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/REAL_NAME_KEYS: /);
    expect((error as Error).message).toMatch(message);
    for (const key of [KEY_1, KEY_2, value]) expect((error as Error).message).not.toContain(key);
  });

  it('refuses production on MySQL without REAL_NAME_KEYS, with how to make one', () => {
    const production = { NODE_ENV: 'production', ROUTER_SECRET: 'a-long-shared-secret', DATABASE_URL: MYSQL };
    expect(() => loadConfig(production)).toThrow(/REAL_NAME_KEYS: required when NODE_ENV=production.*keys generate/s);
    expect(loadConfig({ ...production, REAL_NAME_KEYS: `k1:${KEY_1}` }).realNameKeys?.currentId).toBe('k1');
  });

  it('never shows a key when the configuration is logged, printed or serialized', () => {
    const config = loadConfig({ REAL_NAME_KEYS: `k1:${KEY_1}` });
    const hex = Buffer.alloc(32, 1).toString('hex');
    for (const shown of [JSON.stringify(config), inspect(config, { depth: 10, showHidden: true })]) {
      expect(shown).toContain('k1');
      expect(shown).not.toContain(KEY_1);
      expect(shown).not.toContain(hex);
    }
  });
});
