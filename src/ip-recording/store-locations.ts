// Records where posts were made from: each checked record's address is looked up in the IP database, and
// only the place's codes and the time are stored (db/ip-location-rows.ts). The endpoint and the backfill
// import both come through here, so they answer a record the same way.
import type { DataSource, EntityManager } from 'typeorm';
import { DatabaseTimeoutError } from '../db/database-errors';
import { inWriteTransaction } from '../db/write-transaction';
import { storePostLocations } from '../db/ip-location-rows';
import type { IpDatabase } from '../ip-location/ip-database';
import type { LocationRecord } from '../ip-location/location-record';
import type { PostLocation } from '../ip-location/place';
import { withTimeout } from '../timeout';

/** What became of each record, by its position (an index in a request, a line in a file). */
export interface StoreOutcome {
  /** Its post's location is stored as it says (now, or by an identical record before). */
  stored: number;
  /** Its post already had another location; the first one stays. */
  unchanged: number;
  rejected: { position: number; reason: string }[];
}

function samePlaceAndTime(a: PostLocation, b: PostLocation): boolean {
  return (
    a.countryCode === b.countryCode &&
    a.regionCode === b.regionCode &&
    a.recordedAt.getTime() === b.recordedAt.getTime()
  );
}

type Located = { position: number; location: PostLocation }[];

/** Each record's place, looked up: from here on there is no address. */
function locate(database: IpDatabase, records: readonly { position: number; record: LocationRecord }[]): Located {
  return records.map(({ position, record }) => ({
    position,
    location: {
      postId: record.postId,
      userId: record.userId,
      ...database.locate(record.ip),
      recordedAt: record.at,
    } satisfies PostLocation,
  }));
}

/** What became of each record, from the rows now stored for their posts. */
function outcomeOf(located: Located, rows: readonly PostLocation[]): StoreOutcome {
  const stored = new Map(rows.map((row) => [row.postId, row]));
  const outcome: StoreOutcome = { stored: 0, unchanged: 0, rejected: [] };
  for (const { position, location } of located) {
    const row = stored.get(location.postId);
    if (row === undefined) throw new Error('a stored post location was not read back');
    if (row.userId !== location.userId) {
      outcome.rejected.push({ position, reason: 'postId is already recorded for another userId' });
    } else if (samePlaceAndTime(row, location)) outcome.stored += 1;
    else outcome.unchanged += 1;
  }
  return outcome;
}

/** The same, in the caller's transaction (the event consumer stores within its batch's). */
export async function storeLocationsWithin(
  manager: EntityManager,
  database: IpDatabase,
  records: readonly { position: number; record: LocationRecord }[],
): Promise<StoreOutcome> {
  const located = locate(database, records);
  const rows = await storePostLocations(
    manager,
    located.map(({ location }) => location),
  );
  return outcomeOf(located, rows);
}

/**
 * Stores the records' locations in one transaction; a database failure throws and stores none of them.
 * With `timeoutMs`, it gives up waiting after that long: a statement that timed out on a stalled connection
 * is followed by a ROLLBACK that TypeORM sends without a bound. The transaction commits whole or not at
 * all, so a caller that retries after the timeout gets the same answer either way.
 */
export async function storeLocationRecords(
  dataSource: DataSource,
  database: IpDatabase,
  records: readonly { position: number; record: LocationRecord }[],
  timeoutMs?: number,
): Promise<StoreOutcome> {
  const located = locate(database, records);
  // The one write path: retried on a deadlock between writers of overlapping batches (rare: one lock order)
  // or a dead connection; the transaction rolls back whole, so repeating it is safe.
  const storing = inWriteTransaction(dataSource, (manager) =>
    storePostLocations(
      manager,
      located.map(({ location }) => location),
    ),
  );
  const rows =
    timeoutMs === undefined
      ? await storing
      : await withTimeout(storing, timeoutMs, () => {
          throw new DatabaseTimeoutError(`storing ip locations took over ${timeoutMs} ms`);
        });
  return outcomeOf(located, rows);
}
