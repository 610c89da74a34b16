// Every test file gets a database of its own on the real MySQL server, dropped when the file is done.
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';

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

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `identity_labels_test_${randomBytes(6).toString('hex')}`;
  const admin = await mysql.createConnection(serverUrl().toString());
  try {
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await admin.end();
  }
  const url = serverUrl();
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const connection = await mysql.createConnection(serverUrl().toString());
      try {
        await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await connection.end();
      }
    },
  };
}
