// The read path's IP location reads: one IN query for posts, one for accounts' latest, each on a replica in
// rotation (or the primary), bounded in time and retried once on a dead connection. A failure is logged here, with its cause, and thrown on.
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { errorForLog } from '../errors';
import type { RecordedLocation } from '../ip-location/place';
import { boundedRead } from './bounded-read';
import { selectPostLocations, selectUserLocations } from './ip-location-rows';
import type { ReadReplicas } from './read-replicas';
import { tracedSql } from './sql-spans';

export class IpLocationReader {
  constructor(
    private readonly reads: ReadReplicas,
    /** Longest wait for one read, queueing for a pooled connection included. */
    private readonly timeoutMs: number,
    private readonly log: Logger,
  ) {}

  /** The locations of these posts, in any order; a post without one has none. */
  posts(postIds: readonly string[]): Promise<RecordedLocation[]> {
    return this.read(
      'post ip location lookup',
      (dataSource) => selectPostLocations(dataSource, postIds),
      postIds.length,
    );
  }

  /** The latest locations of these accounts, in any order; an account without one has none. */
  users(userIds: readonly string[]): Promise<RecordedLocation[]> {
    return this.read(
      'user ip location lookup',
      (dataSource) => selectUserLocations(dataSource, userIds),
      userIds.length,
    );
  }

  private async read(
    what: string,
    select: (dataSource: DataSource) => Promise<RecordedLocation[]>,
    ids: number,
  ): Promise<RecordedLocation[]> {
    try {
      return await boundedRead(
        () => this.reads.read((dataSource) => select(tracedSql(dataSource))),
        this.timeoutMs,
        what,
      );
    } catch (error) {
      this.log.warn({ err: errorForLog(error), ids }, `${what} failed`);
      throw error;
    }
  }
}
