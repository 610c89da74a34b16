// A MariaDB primary and a replica that follows it by GTID, private to the tests of one file: two mariadbd
// processes of the test's own, so that a test can stop the replica or let it fall behind and see what the
// service does. The shared server on 3306 is never touched.
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { createUniqueDatabase } from './database';
import { onFreePort, spawnOwned, waitUntilAnswering, type OwnedProcess } from './owned-process';
import { startedForTheFile } from './teardown';

export interface ReplicatedMariaDb {
  /** `mysql://root@127.0.0.1:PORT[/database]` of the primary: root, no password, every privilege. */
  primaryUrl(database?: string): string;
  /**
   * The same for the replica. It is read-only for root too (root lacks the privileges that bypass
   * read_only there), so a write sent to the replica fails as it would in production.
   */
  replicaUrl(database?: string): string;
  /** Creates an empty database of a name no other test uses on the primary; resolves once the replica has it. */
  createDatabase(): Promise<string>;
  /**
   * Resolves once the replica has applied everything the primary had written when it was called; throws,
   * saying where each stands, after `timeoutMs` (paused replication never catches up), or at once when the
   * replica is stopped.
   */
  waitForReplica(timeoutMs?: number): Promise<void>;
  /** Ends the replica's server (SIGTERM); resolves once it has exited: connections to it then fail. */
  stopReplica(): Promise<void>;
  /**
   * Starts it again on the same port and data; it resumes replicating by itself (applying too, even if it
   * was paused) and catches up with what the primary wrote meanwhile (see waitForReplica).
   */
  startReplica(): Promise<void>;
  /** Stops applying on the replica (STOP SLAVE SQL_THREAD): it stays up and answers, but falls behind. */
  pauseReplication(): Promise<void>;
  /** Applies again (START SLAVE SQL_THREAD): the replica catches up. */
  resumeReplication(): Promise<void>;
  /** Ends both servers and removes their files. Safe to call twice; nothing else works after it. */
  stop(): Promise<void>;
}

const MARIADBD = '/usr/sbin/mariadbd';
/** Temporary folders are named after the process that made them, so a later run can remove a dead one's. */
const FOLDER_PREFIX = 'identity-labels-mariadb-';
const WAIT_FOR_REPLICA_MS = 10_000;

/** Small and quick to start; used to create the data too, so that the server need not resize its log. */
const SMALL_INNODB = ['--innodb-buffer-pool-size=32M', '--innodb-log-file-size=4M'];

/**
 * Its own folder for temporary tables: a starting mariadbd deletes every `#sql*` file in its tmpdir, which
 * in /tmp would pull the temporary tables from under the shared server and from under the other one of
 * the pair (seen: "Could not remove temporary table" and a failed mariadb-install-db).
 */
const tmpDirOf = (dataDir: string) => `${dataDir}-tmp`; // beside the data: a folder in it would be a database

/** What each server runs with: on 127.0.0.1 only, files in its own folder, the shared server's character set. */
function serverOptions(dataDir: string, port: number): string[] {
  return [
    '--no-defaults', // first, or it is ignored: no /etc/mysql settings
    `--datadir=${dataDir}`,
    `--tmpdir=${tmpDirOf(dataDir)}`,
    `--socket=${join(dataDir, 'mariadbd.sock')}`,
    `--pid-file=${join(dataDir, 'mariadbd.pid')}`,
    `--port=${port}`,
    '--bind-address=127.0.0.1',
    '--skip-name-resolve',
    '--character-set-server=utf8mb4',
    '--collation-server=utf8mb4_general_ci',
    ...SMALL_INNODB,
  ];
}

const asRoot = process.getuid?.() === 0;

async function installDataDir(dataDir: string): Promise<void> {
  await mkdir(tmpDirOf(dataDir));
  await chmod(tmpDirOf(dataDir), 0o1777); // as /tmp: the server runs as mysql
  const args = [
    '--no-defaults',
    ...(asRoot ? ['--user=mysql'] : []),
    `--datadir=${dataDir}`,
    `--tmpdir=${tmpDirOf(dataDir)}`, // passed on to mariadbd
    '--auth-root-authentication-method=normal', // root, no password, over TCP
    '--skip-test-db',
    '--skip-name-resolve',
    ...SMALL_INNODB,
  ];
  try {
    await promisify(execFile)('mariadb-install-db', args);
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`mariadb-install-db failed for ${dataDir}: ${String(error)}\n${stdout ?? ''}${stderr ?? ''}`, {
      cause: error,
    });
  }
}

function urlOf(port: number, database?: string): string {
  return `mysql://root@127.0.0.1:${port}${database === undefined ? '' : `/${database}`}`;
}

/** The first row the statement returns, on a connection of its own. */
async function query<Row>(url: string, sql: string, values: unknown[] = []): Promise<Row> {
  const connection = await mysql.createConnection(url);
  try {
    const [rows] = await connection.query(sql, values);
    return (rows as Row[])[0] as Row;
  } finally {
    await connection.end();
  }
}

/** One server of the pair: started on its port, again on the same one after a stop. */
interface PrivateServer {
  readonly port: number;
  readonly running: boolean;
  start(): Promise<void>;
  stop(signal: NodeJS.Signals): Promise<void>;
}

async function startServer(name: string, dataDir: string, port: number, options: string[]): Promise<PrivateServer> {
  let owned: OwnedProcess | undefined;
  const server: PrivateServer = {
    port,
    get running() {
      return owned !== undefined && !owned.exited;
    },
    async start() {
      const started = spawnOwned(MARIADBD, [...serverOptions(dataDir, port), ...options], { user: 'mysql' });
      owned = started;
      try {
        await waitUntilAnswering(started, `the private MariaDB ${name} on port ${port}`, async () => {
          await query(urlOf(port), 'SELECT 1');
          return true;
        });
      } catch (error) {
        await started.stop('SIGKILL');
        throw error;
      }
    },
    stop: async (signal) => owned?.stop(signal),
  };
  await server.start();
  return server;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The folders of test processes that were killed before they could remove them (their servers died with them). */
async function removeFoldersOfDeadRuns(): Promise<void> {
  for (const entry of await readdir(tmpdir())) {
    const owner = Number(/^identity-labels-mariadb-(\d+)-/.exec(entry)?.[1]);
    if (owner > 0 && !isAlive(owner)) await rm(join(tmpdir(), entry), { recursive: true, force: true });
  }
}

export async function startReplicatedMariaDb(): Promise<ReplicatedMariaDb> {
  await removeFoldersOfDeadRuns();
  const folder = await mkdtemp(join(tmpdir(), `${FOLDER_PREFIX}${process.pid}-`));
  await chmod(folder, 0o755); // the servers run as mysql and must reach their data folders inside it
  const servers: PrivateServer[] = [];
  const stopEverything = async () => {
    await Promise.all(servers.map((server) => server.stop('SIGKILL')));
    await rm(folder, { recursive: true, force: true });
  };

  let primary: PrivateServer;
  let replica: PrivateServer;
  try {
    const [primaryData, replicaData] = [join(folder, 'primary'), join(folder, 'replica')];
    await Promise.all([installDataDir(primaryData), installDataDir(replicaData)]);
    const starting = await Promise.allSettled([
      onFreePort((port) => startServer('primary', primaryData, port, ['--server-id=1', '--log-bin=primary-bin'])),
      onFreePort((port) =>
        startServer('replica', replicaData, port, ['--server-id=2', '--read-only=1', '--relay-log=replica-relay-bin']),
      ),
    ]);
    for (const outcome of starting) if (outcome.status === 'fulfilled') servers.push(outcome.value); // to stop
    for (const outcome of starting) if (outcome.status === 'rejected') throw outcome.reason;
    [primary, replica] = servers as [PrivateServer, PrivateServer];
    const connection = await mysql.createConnection(urlOf(replica.port));
    try {
      await connection.query(
        `CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = ?, MASTER_USER = 'root',
           MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = 1`,
        [primary.port],
      );
      await connection.query('START SLAVE');
      // root may bypass read_only through these two; without them it administers replication but cannot write.
      await connection.query(
        "REVOKE SUPER, READ_ONLY ADMIN ON *.* FROM 'root'@'127.0.0.1', 'root'@'::1', 'root'@'localhost'",
      );
    } finally {
      await connection.end();
    }
  } catch (error) {
    await stopEverything();
    throw error;
  }

  let stopping: Promise<void> | undefined;
  const usable = (what: string) => {
    if (stopping !== undefined) throw new Error(`${what}: the replicated MariaDB has been stopped`);
  };
  const runningReplica = (what: string) => {
    usable(what);
    if (!replica.running) throw new Error(`${what}: the replica is not running (stopReplica); call startReplica first`);
  };
  const replicationState = async () => {
    const status = await query<Record<string, unknown> | undefined>(urlOf(replica.port), 'SHOW REPLICA STATUS');
    const error = status?.Last_IO_Error || status?.Last_SQL_Error || 'none';
    return `receiving: ${status?.Slave_IO_Running}, applying: ${status?.Slave_SQL_Running}, last error: ${error}`;
  };

  const pair: ReplicatedMariaDb = {
    primaryUrl: (database) => urlOf(primary.port, database),
    replicaUrl: (database) => urlOf(replica.port, database),
    async createDatabase() {
      usable('createDatabase');
      const name = await createUniqueDatabase(urlOf(primary.port));
      await pair.waitForReplica();
      return name;
    },
    async waitForReplica(timeoutMs = WAIT_FOR_REPLICA_MS) {
      runningReplica('waitForReplica');
      const { written } = await query<{ written: string }>(urlOf(primary.port), 'SELECT @@gtid_binlog_pos AS written');
      const { result, applied } = await query<{ result: number | null; applied: string }>(
        urlOf(replica.port),
        'SELECT MASTER_GTID_WAIT(?, ?) AS result, @@gtid_slave_pos AS applied',
        [written, timeoutMs / 1000],
      );
      if (result !== 0) {
        throw new Error(
          `waitForReplica: the replica did not catch up within ${timeoutMs} ms: the primary has written ` +
            `GTID ${written}, the replica applied ${applied} (${await replicationState()})`,
        );
      }
    },
    async stopReplica() {
      usable('stopReplica');
      await replica.stop('SIGTERM');
    },
    async startReplica() {
      usable('startReplica');
      if (!replica.running) await replica.start();
    },
    async pauseReplication() {
      runningReplica('pauseReplication');
      await query(urlOf(replica.port), 'STOP SLAVE SQL_THREAD');
    },
    async resumeReplication() {
      runningReplica('resumeReplication');
      await query(urlOf(replica.port), 'START SLAVE SQL_THREAD');
    },
    stop: () => (stopping ??= stopEverything()),
  };
  return pair;
}

/** A replicated pair for the tests of one file: started before them, stopped after (usable from the first test on). */
export function useReplicatedMariaDb(): ReplicatedMariaDb {
  return startedForTheFile(startReplicatedMariaDb, (pair) => pair.stop());
}
