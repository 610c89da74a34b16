// Retention (PIPL Art. 19): a deleted post's location is deleted with it, and its account's latest falls
// back to its latest remaining post. The command, the endpoint and the event all come through here.
import type { DataSource, EntityManager } from 'typeorm';
import { deletePostLocations } from '../db/ip-location-rows';
import { inWriteTransaction } from '../db/write-transaction';

export interface DeletionOutcome {
  /** Posts whose location was deleted. */
  deleted: number;
  /** Posts that had none (never recorded, or deleted before): nothing to do. */
  unknown: number;
}

/** The same, in the caller's transaction (the event consumer deletes within its batch's). */
export async function deleteLocationsWithin(
  manager: EntityManager,
  postIds: readonly string[],
): Promise<DeletionOutcome> {
  const distinct = [...new Set(postIds)];
  const deleted = distinct.length === 0 ? [] : await deletePostLocations(manager, distinct);
  return { deleted: deleted.length, unknown: distinct.length - deleted.length };
}

export async function deleteLocationsOfPosts(
  dataSource: DataSource,
  postIds: readonly string[],
): Promise<DeletionOutcome> {
  const distinct = [...new Set(postIds)];
  const deleted = await inWriteTransaction(dataSource, (manager) => deletePostLocations(manager, distinct));
  return { deleted: deleted.length, unknown: distinct.length - deleted.length };
}
