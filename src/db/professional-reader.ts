// The read path's professional label reads: one IN query for the accounts' credentials, one for their MCN
// agencies, each on a replica in rotation (or the primary), bounded in time and retried once on a dead
// connection. Nothing is kept between requests: what is in force is decided from these rows at read time.
// A failure is logged here, with its cause, and thrown on.
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { errorForLog } from '../errors';
import type { StoredMcnAgency } from '../professional/label';
import type { StoredQualification } from '../professional/qualification';
import { boundedRead } from './bounded-read';
import { selectMcnAgencies, selectQualifications } from './professional-rows';
import type { ReadReplicas } from './read-replicas';

export class ProfessionalReader {
  constructor(
    private readonly reads: ReadReplicas,
    /** Longest wait for one read, queueing for a pooled connection included. */
    private readonly timeoutMs: number,
    private readonly log: Logger,
  ) {}

  /** Every credential stored for these accounts, expired ones included, in any order. */
  qualifications(userIds: readonly string[]): Promise<StoredQualification[]> {
    return this.read('qualification lookup', (dataSource) => selectQualifications(dataSource, userIds), userIds.length);
  }

  /** The MCN agencies of these accounts, in any order; an account without one has none. */
  mcnAgencies(userIds: readonly string[]): Promise<StoredMcnAgency[]> {
    return this.read('mcn agency lookup', (dataSource) => selectMcnAgencies(dataSource, userIds), userIds.length);
  }

  private async read<T>(what: string, select: (dataSource: DataSource) => Promise<T>, ids: number): Promise<T> {
    try {
      return await boundedRead(() => this.reads.read(select), this.timeoutMs, what);
    } catch (error) {
      this.log.warn({ err: errorForLog(error), ids }, `${what} failed`);
      throw error;
    }
  }
}
