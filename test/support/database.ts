// Every test file gets a database of its own on the real MySQL server, dropped when the file is done.
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { openDatabase } from '../../src/db/data-source';
import { startTcpProxy, type TcpProxy } from './tcp-proxy';
import { onTeardown, startedForTheFile } from './teardown';

export const TEST_SERVER_URL = process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306';

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

function serverUrl(): URL {
  const url = new URL(TEST_SERVER_URL);
  url.pathname = '/';
  return url;
}

async function onServer(server: string, statement: string): Promise<void> {
  const admin = await mysql.createConnection(server);
  try {
    await admin.query(statement);
  } finally {
    await admin.end();
  }
}

const UTF8MB4 = 'utf8mb4 COLLATE utf8mb4_unicode_ci';

/** A database name no other test uses. */
export function uniqueDatabaseName(): string {
  return `identity_labels_test_${randomBytes(6).toString('hex')}`;
}

/** Drops a database of the test server, if it exists (one that what a test ran created). */
export function dropTestDatabase(name: string): Promise<void> {
  return onServer(serverUrl().toString(), `DROP DATABASE IF EXISTS \`${name}\``);
}

/**
 * Creates an empty database, of a name no other test uses, on the server at `server`; returns its name.
 * `characterSet` is its default (`latin1`, say, for a server whose default is not utf8mb4).
 */
export async function createUniqueDatabase(server: string, characterSet = UTF8MB4): Promise<string> {
  const name = uniqueDatabaseName();
  await onServer(server, `CREATE DATABASE \`${name}\` CHARACTER SET ${characterSet}`);
  return name;
}

export async function createTestDatabase(characterSet = UTF8MB4): Promise<TestDatabase> {
  const server = serverUrl().toString();
  const name = await createUniqueDatabase(server, characterSet);
  const url = serverUrl();
  url.pathname = `/${name}`;
  return { name, url: url.toString(), drop: () => onServer(server, `DROP DATABASE IF EXISTS \`${name}\``) };
}

/** An empty database for the tests of one file: made before them, dropped after. */
export function useTestDatabase(characterSet = UTF8MB4): TestDatabase {
  return startedForTheFile(
    () => createTestDatabase(characterSet),
    (database) => database.drop(),
  );
}

/** A migrated test database and a connection to it, for the tests of one file. */
export interface MigratedDatabase {
  database: TestDatabase;
  dataSource: DataSource;
}

/** A pool of connections to a test database, as the service would open it (close it with destroy()). */
export function connectTo(database: TestDatabase, poolSize = 4): Promise<DataSource> {
  return openDatabase(
    {
      databaseUrl: database.url,
      dbPoolSize: poolSize,
      dbQueryTimeoutMs: undefined,
      dbConnectTimeoutMs: 2000,
      dbQueueLimit: 200,
    },
    pino({ level: 'silent' }),
  );
}

export function useMigratedDatabase(): MigratedDatabase {
  const handle = { database: useTestDatabase() } as MigratedDatabase;
  beforeAll(async () => {
    handle.dataSource = await connectTo(handle.database);
    await handle.dataSource.runMigrations();
  });
  onTeardown(async () => {
    await handle.dataSource?.destroy();
  });
  return handle;
}

/**
 * A TCP proxy of the tests' own in front of the MySQL server, for the tests of one file: started before
 * them (call it before the server that connects through it), closed after that server.
 */
export function useDatabaseProxy(): TcpProxy {
  const target = new URL(TEST_SERVER_URL);
  return startedForTheFile(
    () => startTcpProxy(target.hostname, Number(target.port || 3306)),
    (proxy) => proxy.close(),
  );
}
