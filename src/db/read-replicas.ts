// Where the read path's reads go: the replicas in rotation, in turn, or the primary when none is (or when the
// replica asked fails). A replica is in rotation while it answers and its replication runs no further behind
// than REPLICA_MAX_LAG_SECONDS; a check every REPLICA_CHECK_SECONDS takes it out and brings it back. Writes,
// and the reads a write depends on, never come here: they use the primary's DataSource directly.
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { errorForLog } from '../errors';
import { withTimeout } from '../timeout';
import { isDatabaseFailure, DatabaseTimeoutError } from './database-errors';

export interface ReplicaSettings {
  maxLagSeconds: number;
  checkIntervalMs: number;
  /** Longest wait for a status check, and for a read on a replica before it is tried on the primary. */
  timeoutMs: number;
}

export interface ReplicaStatus {
  /** host:port, never credentials */
  replica: string;
  inRotation: boolean;
  /** Seconds behind the primary at the last check; null when unknown (down, replication stopped). */
  lagSeconds: number | null;
  /** Why it is out of rotation. */
  reason?: string;
}

export type ReadTarget = 'replica' | 'primary';

export interface ReplicaObserver {
  /** Each read, by where it was answered; `fellBack` when a replica failed it first. */
  read(target: ReadTarget, fellBack: boolean): void;
}

interface Replica {
  status: ReplicaStatus;
  dataSource: DataSource;
  /** Opening its pool, when it was down at start-up: one attempt at a time. */
  opening?: Promise<void>;
}

/** host:port of a mysql:// URL: how a replica is named in logs, /ready and /metrics. */
export function replicaName(url: string): string {
  const { hostname, port } = new URL(url);
  return `${hostname}:${port || '3306'}`;
}

/** The lag a replica reports of itself, or why it has none (`SHOW REPLICA STATUS`, MariaDB 10.5+ and MySQL 8.0.22+). */
export function replicationLag(rows: readonly Record<string, unknown>[]): { lagSeconds: number } | { reason: string } {
  const row = rows[0];
  if (row === undefined) return { reason: 'not a replica (SHOW REPLICA STATUS is empty)' };
  const io = row.Slave_IO_Running ?? row.Replica_IO_Running;
  const sql = row.Slave_SQL_Running ?? row.Replica_SQL_Running;
  if (io !== 'Yes' || sql !== 'Yes') return { reason: `replication stopped (IO ${String(io)}, SQL ${String(sql)})` };
  const lag = row.Seconds_Behind_Master ?? row.Seconds_Behind_Source;
  if (lag === null || lag === undefined) return { reason: 'replication lag unknown' };
  return { lagSeconds: Number(lag) };
}

/** An error's code, or its class: enough to tell an operator what happened, never a value. */
function failureName(error: unknown): string {
  return errorForLog(error).code ?? (error instanceof Error ? error.name : 'unknown error');
}

/** Why a status check failed, in words an operator can act on: each access error has its own remedy. */
function checkFailure(error: unknown): string {
  const name = failureName(error);
  switch (name) {
    // Logging in was refused: a wrong password, an unknown user, a host the user may not come from.
    case 'ER_ACCESS_DENIED_ERROR':
    case 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR':
      return `access denied (${name}): the replica refused to log the replica URL's user in; check its user and password`;
    case 'ER_DBACCESS_DENIED_ERROR':
      return `access denied to the database (${name}): grant the replica URL's user SELECT on the database`;
    // Logged in, but SHOW REPLICA STATUS needs a right of its own.
    case 'ER_SPECIFIC_ACCESS_DENIED_ERROR':
      return `cannot read SHOW REPLICA STATUS (${name}): grant the replica URL's user REPLICA MONITOR (MariaDB) or REPLICATION CLIENT (MySQL)`;
  }
  return name.startsWith('ER_') ? `status check failed (${name})` : `unreachable (${name})`;
}

export class ReadReplicas {
  private readonly replicas: Replica[];
  private next = 0;
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;

  constructor(
    private readonly primary: DataSource,
    replicas: readonly { url: string; dataSource: DataSource }[],
    private readonly settings: ReplicaSettings,
    private readonly log: Logger,
    private readonly observer?: ReplicaObserver,
  ) {
    this.replicas = replicas.map(({ url, dataSource }) => ({
      dataSource,
      status: { replica: replicaName(url), inRotation: false, lagSeconds: null, reason: 'not checked yet' },
    }));
  }

  /** Checks every replica once (a replica that is down only stays out), then keeps checking. */
  async start(): Promise<void> {
    await this.checkAll();
    this.timer = setInterval(() => {
      this.checking ??= this.checkAll().finally(() => (this.checking = undefined));
    }, this.settings.checkIntervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.checking;
    await Promise.all(
      this.replicas.map(async (replica) => {
        await replica.opening?.catch(() => undefined); // a pool still opening is closed once it is open
        if (replica.dataSource.isInitialized) await replica.dataSource.destroy();
      }),
    );
  }

  status(): ReplicaStatus[] {
    return this.replicas.map((replica) => ({ ...replica.status }));
  }

  /**
   * Runs a read on the next replica in rotation. A replica that fails it (down, too slow) is taken out at once
   * and the read runs on the primary: a reader notices nothing but a slower answer.
   */
  async read<T>(select: (dataSource: DataSource) => Promise<T>): Promise<T> {
    const replica = this.pick();
    if (replica === undefined) {
      this.observer?.read('primary', false);
      return select(this.primary);
    }
    try {
      const rows = await withTimeout(select(replica.dataSource), this.settings.timeoutMs, () => {
        throw new DatabaseTimeoutError(`replica ${replica.status.replica} took over ${this.settings.timeoutMs} ms`);
      });
      this.observer?.read('replica', false);
      return rows;
    } catch (error) {
      if (!isDatabaseFailure(error)) throw error;
      this.takeOut(replica, `a read failed (${failureName(error)})`);
      this.observer?.read('primary', true);
      return select(this.primary);
    }
  }

  private pick(): Replica | undefined {
    for (let tried = 0; tried < this.replicas.length; tried += 1) {
      const replica = this.replicas[this.next % this.replicas.length];
      this.next = (this.next + 1) % this.replicas.length;
      if (replica?.status.inRotation) return replica;
    }
    return undefined;
  }

  private takeOut(replica: Replica, reason: string): void {
    if (replica.status.inRotation)
      this.log.warn({ replica: replica.status.replica, reason }, 'replica out of rotation');
    replica.status = { ...replica.status, inRotation: false, reason };
  }

  private async checkAll(): Promise<void> {
    await Promise.all(this.replicas.map((replica) => this.check(replica)));
  }

  private async check(replica: Replica): Promise<void> {
    let found: { lagSeconds: number } | { reason: string };
    try {
      found = await withTimeout(this.lagOf(replica), this.settings.timeoutMs, () => ({
        reason: `no answer within ${this.settings.timeoutMs} ms`,
      }));
    } catch (error) {
      found = { reason: checkFailure(error) };
    }
    if ('reason' in found) {
      replica.status.lagSeconds = null;
      this.takeOut(replica, found.reason);
      return;
    }
    replica.status.lagSeconds = found.lagSeconds;
    if (found.lagSeconds > this.settings.maxLagSeconds) {
      this.takeOut(replica, `${found.lagSeconds} s behind (REPLICA_MAX_LAG_SECONDS is ${this.settings.maxLagSeconds})`);
      return;
    }
    if (!replica.status.inRotation) this.log.info({ replica: replica.status.replica }, 'replica in rotation');
    replica.status = { replica: replica.status.replica, inRotation: true, lagSeconds: found.lagSeconds };
  }

  private async lagOf(replica: Replica): Promise<{ lagSeconds: number } | { reason: string }> {
    const { dataSource } = replica;
    if (!dataSource.isInitialized) {
      // A replica that was down at start-up gets its pool here, once it answers.
      replica.opening ??= dataSource
        .initialize()
        .then(() => undefined)
        .finally(() => (replica.opening = undefined));
      await replica.opening;
    }
    return replicationLag((await dataSource.query('SHOW REPLICA STATUS')) as Record<string, unknown>[]);
  }
}
