// Records where posts were made from: each checked record's address is looked up in the IP database, and
// only the place's codes and the time are stored (db/ip-location-rows.ts). The endpoint and the backfill
// import both come through here, so they answer a record the same way.
import type { DataSource, EntityManager } from 'typeorm';
import type { PseudonymKey } from '../crypto/pseudonym-key';
import { DatabaseTimeoutError, WriteConflict } from '../db/database-errors';
import { erasedUserIds } from '../db/erasures';
import { inWriteTransaction } from '../db/write-transaction';
import { storePostLocations } from '../db/ip-location-rows';
import type { IpDatabase } from '../ip-location/ip-database';
import type { LocationRecord } from '../ip-location/location-record';
import type { RecordedLocation } from '../ip-location/place';
import { withTimeout } from '../timeout';

/** What became of each record, by its position (an index in a request, a line in a file). */
export interface StoreOutcome {
  /** Its post's location is stored as it says (now, or by an identical record before). */
  stored: number;
  /** Its post already had another location; the first one stays. */
  unchanged: number;
  /** Its account was erased: not stored (a closed account's late post). */
  erased: number;
  rejected: { position: number; reason: string }[];
}

function samePlaceAndTime(a: RecordedLocation, b: RecordedLocation): boolean {
  return (
    a.countryCode === b.countryCode &&
    a.regionCode === b.regionCode &&
    a.recordedAt.getTime() === b.recordedAt.getTime()
  );
}

type Located = { position: number; location: RecordedLocation }[];

/** Each record's place, looked up: from here on there is no address. */
async function locate(
  database: IpDatabase,
  records: readonly { position: number; record: LocationRecord }[],
): Promise<Located> {
  return Promise.all(
    records.map(async ({ position, record }) => ({
      position,
      location: {
        postId: record.postId,
        userId: record.userId,
        ...(await database.locate(record.ip)),
        recordedAt: record.at,
      } satisfies RecordedLocation,
    })),
  );
}

/** What became of each record, from the rows now stored for their posts and the accounts found erased. */
function outcomeOf(located: Located, rows: readonly RecordedLocation[], erased: ReadonlySet<string>): StoreOutcome {
  const stored = new Map(rows.map((row) => [row.postId, row]));
  const outcome: StoreOutcome = { stored: 0, unchanged: 0, erased: 0, rejected: [] };
  for (const { position, location } of located) {
    if (erased.has(location.userId)) {
      outcome.erased += 1;
      continue;
    }
    const row = stored.get(location.postId);
    if (row === undefined) throw new Error('a stored post location was not read back');
    if (row.userId !== location.userId) {
      outcome.rejected.push({ position, reason: 'postId is already recorded for another userId' });
    } else if (samePlaceAndTime(row, location)) outcome.stored += 1;
    else outcome.unchanged += 1;
  }
  return outcome;
}

/**
 * Stores the locations of accounts not erased, and returns the erased ones. An erasure that began after the
 * first check must not lose to this write: checked again under a lock once written, and run again if one did.
 */
async function storeUnlessErased(
  manager: EntityManager,
  locations: readonly RecordedLocation[],
  pseudonymKey: PseudonymKey | undefined,
): Promise<{ rows: RecordedLocation[]; erased: Set<string> }> {
  const userIds = [...new Set(locations.map((location) => location.userId))];
  const erased = await erasedUserIds(manager, userIds, pseudonymKey);
  const rows = await storePostLocations(
    manager,
    locations.filter((location) => !erased.has(location.userId)),
  );
  const written = userIds.filter((userId) => !erased.has(userId));
  if ((await erasedUserIds(manager, written, pseudonymKey, true)).size > 0) {
    throw new WriteConflict('an account whose locations are being stored was erased meanwhile');
  }
  return { rows, erased };
}

/** The same, in the caller's transaction (the event consumer stores within its batch's). */
export async function storeLocationsWithin(
  manager: EntityManager,
  database: IpDatabase,
  records: readonly { position: number; record: LocationRecord }[],
  pseudonymKey: PseudonymKey | undefined,
): Promise<StoreOutcome> {
  const located = await locate(database, records);
  const { rows, erased } = await storeUnlessErased(
    manager,
    located.map(({ location }) => location),
    pseudonymKey,
  );
  return outcomeOf(located, rows, erased);
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
  options: { pseudonymKey: PseudonymKey | undefined; timeoutMs?: number },
): Promise<StoreOutcome> {
  const { timeoutMs } = options;
  const located = await locate(database, records);
  // The one write path: retried on a deadlock between writers of overlapping batches (rare: one lock order)
  // or a dead connection; the transaction rolls back whole, so repeating it is safe.
  const storing = inWriteTransaction(dataSource, (manager) =>
    storeUnlessErased(
      manager,
      located.map(({ location }) => location),
      options.pseudonymKey,
    ),
  );
  const { rows, erased } =
    timeoutMs === undefined
      ? await storing
      : await withTimeout(storing, timeoutMs, () => {
          throw new DatabaseTimeoutError(`storing ip locations took over ${timeoutMs} ms`);
        });
  return outcomeOf(located, rows, erased);
}
