// The private servers the fault tests stand on: a MariaDB primary with a replica that follows it and can be
// stopped or held back, and a Redis that can be stopped, each as a user of the helpers would notice it.
import mysql from 'mysql2/promise';
import { pingRedis, startPrivateRedis, usePrivateRedis } from '../../support/private-redis';
import { startReplicatedMariaDb, useReplicatedMariaDb } from '../../support/replicated-mariadb';

const mariadb = useReplicatedMariaDb();
const redis = usePrivateRedis();

async function rowsOf(url: string, sql: string, values: unknown[] = []): Promise<unknown[]> {
  const connection = await mysql.createConnection(url);
  try {
    const [rows] = await connection.query(sql, values);
    return rows as unknown[];
  } finally {
    await connection.end();
  }
}

/** A database with one table of notes, on both servers. */
async function notesDatabase(): Promise<string> {
  const database = await mariadb.createDatabase();
  await rowsOf(mariadb.primaryUrl(database), 'CREATE TABLE notes (id INT PRIMARY KEY, text VARCHAR(100))');
  await mariadb.waitForReplica();
  return database;
}

const write = (database: string, id: number, text: string) =>
  rowsOf(mariadb.primaryUrl(database), 'INSERT INTO notes (id, text) VALUES (?, ?)', [id, text]);
const notesOnReplica = (database: string) =>
  rowsOf(mariadb.replicaUrl(database), 'SELECT id, text FROM notes ORDER BY id');
const replicaStatus = async () => (await rowsOf(mariadb.replicaUrl(), 'SHOW REPLICA STATUS'))[0] as any;

/** Until the replica has received (not necessarily applied) all the primary has written. */
async function receivedEverything(): Promise<void> {
  const [{ written }] = (await rowsOf(mariadb.primaryUrl(), 'SELECT @@gtid_binlog_pos AS written')) as any[];
  while ((await replicaStatus()).Gtid_IO_Pos !== written) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('a replicated MariaDB pair of the tests’ own', () => {
  it('runs on private ports, not on the shared server’s', () => {
    expect(mariadb.primaryUrl()).toMatch(/^mysql:\/\/root@127\.0\.0\.1:\d+$/);
    expect(mariadb.replicaUrl('db')).toMatch(/^mysql:\/\/root@127\.0\.0\.1:\d+\/db$/);
    expect(new Set([mariadb.primaryUrl(), mariadb.replicaUrl(), 'mysql://root@127.0.0.1:3306']).size).toBe(3);
  });

  it('makes a database on the primary that the replica has too', async () => {
    const database = await mariadb.createDatabase();
    const onReplica = await rowsOf(mariadb.replicaUrl(), 'SHOW DATABASES LIKE ?', [database]);
    expect(onReplica).toHaveLength(1);
  });

  it('shows a row written on the primary on the replica once the replica has caught up', async () => {
    const database = await notesDatabase();
    await write(database, 1, 'first');
    await mariadb.waitForReplica();
    expect(await notesOnReplica(database)).toEqual([{ id: 1, text: 'first' }]);
  });

  it('refuses writes on the replica, root’s included', async () => {
    const database = await notesDatabase();
    await expect(
      rowsOf(mariadb.replicaUrl(database), "INSERT INTO notes (id, text) VALUES (1, 'misrouted')"),
    ).rejects.toMatchObject({ code: 'ER_OPTION_PREVENTS_STATEMENT' });
    expect(await notesOnReplica(database)).toEqual([]);
  });

  describe('with the replica stopped', () => {
    it('refuses connections to the replica, and the replica catches up once started again', async () => {
      const database = await notesDatabase();
      await mariadb.stopReplica();
      await expect(mysql.createConnection(mariadb.replicaUrl())).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      await write(database, 1, 'written while the replica was down');

      await mariadb.startReplica();
      await mariadb.waitForReplica();
      expect(await notesOnReplica(database)).toEqual([{ id: 1, text: 'written while the replica was down' }]);
    });

    it('says so when a test waits for it, rather than waiting', async () => {
      await mariadb.stopReplica();
      try {
        await expect(mariadb.waitForReplica()).rejects.toThrow(/replica is not running.*startReplica/);
        await expect(mariadb.pauseReplication()).rejects.toThrow(/replica is not running/);
      } finally {
        await mariadb.startReplica();
      }
    });
  });

  describe('with replication paused', () => {
    it('leaves the replica up but behind, until it is resumed', async () => {
      const database = await notesDatabase();
      await mariadb.pauseReplication();
      await write(database, 1, 'written while paused');
      await receivedEverything();

      expect(await notesOnReplica(database)).toEqual([]);
      const status = await replicaStatus();
      expect(status.Slave_SQL_Running).toBe('No');
      expect(status.Slave_IO_Running).toBe('Yes');
      expect(status.Seconds_Behind_Master).toBeNull();

      await mariadb.resumeReplication();
      await mariadb.waitForReplica();
      expect(await notesOnReplica(database)).toEqual([{ id: 1, text: 'written while paused' }]);
    });

    it('gives up waiting for the replica after the timeout, saying where each server stands', async () => {
      const database = await notesDatabase();
      await mariadb.pauseReplication();
      try {
        await write(database, 1, 'never applied while paused');
        await expect(mariadb.waitForReplica(300)).rejects.toThrow(
          /did not catch up within 300 ms: the primary has written GTID \S+, the replica applied \S+ \(receiving: Yes, applying: No/,
        );
      } finally {
        await mariadb.resumeReplication();
      }
    });
  });

  it('once stopped, refuses connections on both ports, may be stopped again, and says so when used', async () => {
    const pair = await startReplicatedMariaDb();
    await pair.stop();
    await pair.stop();
    for (const url of [pair.primaryUrl(), pair.replicaUrl()]) {
      await expect(mysql.createConnection(url)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    }
    await expect(pair.createDatabase()).rejects.toThrow('createDatabase: the replicated MariaDB has been stopped');
    await expect(pair.startReplica()).rejects.toThrow('startReplica: the replicated MariaDB has been stopped');
  });
});

describe('a Redis of the tests’ own', () => {
  it('answers PING on a private port', async () => {
    expect(redis.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    expect(redis.url).not.toBe('redis://127.0.0.1:6379');
    expect(await pingRedis(redis.url)).toBe('+PONG');
  });

  it('refuses connections once stopped, and answers again once started', async () => {
    await redis.stop();
    await expect(pingRedis(redis.url)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await redis.start();
    expect(await pingRedis(redis.url)).toBe('+PONG');
  });

  it('once closed, refuses connections, may be closed again, and will not start', async () => {
    const closing = await startPrivateRedis();
    await closing.close();
    await closing.close();
    await expect(pingRedis(closing.url)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await expect(closing.start()).rejects.toThrow('start: the private Redis has been closed');
  });
});
