// The per-request batches of IP locations: every Post.ipLocation of one request becomes one read of the
// posts' locations, every User.ipLocation one read of the accounts' latest.
//
// Contract: created per request (it holds the viewer's visibility), values in key order, one per key, null
// for a key with no location; batches above `maxBatchSize` are split. A viewer who may not see locations
// gets null for every key, and no read is made. When the read fails, every key of that batch gets the
// IP_LOCATION_UNAVAILABLE error.
import DataLoader from 'dataloader';
import { ipLocationUnavailable } from '../errors';
import { ipLocationOf, type IpLocation, type IpLocationLanguage } from '../ip-location/label';
import type { RecordedLocation } from '../ip-location/place';
import { userIdProblem } from '../user-id';

/** Where the loader reads stored locations from (the read path's IpLocationReader). */
export interface IpLocationSource {
  posts(postIds: readonly string[]): Promise<RecordedLocation[]>;
  users(userIds: readonly string[]): Promise<RecordedLocation[]>;
}

export interface IpLocationLoaderOptions {
  source: IpLocationSource;
  language: IpLocationLanguage;
  /** Decided for this request's viewer (IP_LOCATION_VIEWERS). */
  visible: boolean;
  maxBatchSize: number;
}

export interface IpLocationLoader {
  ofPost(postId: string): Promise<IpLocation | null>;
  ofUser(userId: string): Promise<IpLocation | null>;
}

const HIDDEN: IpLocationLoader = {
  ofPost: async () => null,
  ofUser: async () => null,
};

function batchOf(
  read: (ids: readonly string[]) => Promise<RecordedLocation[]>,
  keyOf: (location: RecordedLocation) => string,
  options: IpLocationLoaderOptions,
): DataLoader<string, IpLocation | null> {
  return new DataLoader<string, IpLocation | null>(
    async (ids) => {
      // An id that could not have been stored (too long, control characters...) has no location: not asked.
      const storable = ids.filter((id) => userIdProblem(id) === undefined);
      let rows: RecordedLocation[] = [];
      try {
        if (storable.length > 0) rows = await read(storable);
      } catch (error) {
        throw ipLocationUnavailable(error);
      }
      // The IN query returns rows in any order and omits ids without one: map them back by key.
      const byId = new Map(rows.map((row) => [keyOf(row), row]));
      return ids.map((id) => {
        const row = byId.get(id);
        return row === undefined ? null : ipLocationOf(row, options.language);
      });
    },
    { maxBatchSize: options.maxBatchSize },
  );
}

export function createIpLocationLoader(options: IpLocationLoaderOptions): IpLocationLoader {
  if (!options.visible) return HIDDEN;
  // Made on first use: every request makes this loader, most ask for no location.
  let posts: DataLoader<string, IpLocation | null> | undefined;
  let users: DataLoader<string, IpLocation | null> | undefined;
  return {
    ofPost(postId) {
      posts ??= batchOf(
        (ids) => options.source.posts(ids),
        (row) => row.postId,
        options,
      );
      return posts.load(postId);
    },
    ofUser(userId) {
      users ??= batchOf(
        (ids) => options.source.users(ids),
        (row) => row.userId,
        options,
      );
      return users.load(userId);
    },
  };
}
