import { ConfigError, loadConfig } from '../../src/config';

describe('configuration', () => {
  it('has sensible defaults for everything', () => {
    expect(loadConfig({})).toEqual({
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
      displayNameFormat: '{nickname} ({realName})',
      hysteresisRatio: 0.9,
      policyRefreshSeconds: 30,
      maxInList: 1000,
      notifyIntervalSeconds: 300,
      inlineTracing: false,
      graphqlExecutor: 'graphql-jit',
      maxCompiledOperations: 1000,
      accountCache: { ttlMs: 0, maxEntries: 100_000 },
      logLevel: 'info',
    });
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
    });
    expect(config).toMatchObject({
      port: 5000,
      databaseUrl: 'mysql://u:p@db:3306/identity',
      runMigrations: false,
      realNameViewers: 'signed-in',
      displayNameFormat: '{realName}',
      hysteresisRatio: 0.85,
      maxInList: 500,
    });
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
  ])('rejects %o naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('refuses production without ROUTER_SECRET unless unauthenticated access is allowed on purpose', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/ROUTER_SECRET: required when NODE_ENV=production/);
    expect(loadConfig({ NODE_ENV: 'production', ALLOW_UNAUTHENTICATED: 'true' }).production).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production', ROUTER_SECRET: 'a-long-shared-secret' }).routerSecret).toBe(
      'a-long-shared-secret',
    );
    expect(() => loadConfig({ ROUTER_SECRET: 'short' })).toThrow(/ROUTER_SECRET: must be at least 16 characters/);
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
});
