// A bounded map whose entries expire a fixed time after they were stored: the row cache's store. Entries are
// kept in two generations: new ones go into the current one; every TTL (or when it is full) the current one
// becomes the previous one and the previous one is dropped whole, everything in it being older than the TTL
// by then. Each entry also carries its expiry, so none is ever served past it. Nothing is walked on a read:
// lru-cache's get, with its recency bookkeeping and a clock read per key, cost ~9% of a cached 100-reference
// request, and deleting from the front of one Map leaves holes that every walk must skip
// (docs/performance.md).
//
// A live entry found in the previous generation moves to the current one, once a turn: a lookup there is a
// probe of a large table, a cache miss or two, and most keys of a busy cache would otherwise be looked up in
// both. Storing a key again reuses its entry: a row kept for many TTLs (refreshed ahead of its expiry) makes
// no new garbage each time.
//
// Each entry has a note: what a reader learnt from its value and keeps with it (the row cache's readers, a
// decision that holds until a stage starts or ends). Storing another value clears it; storing the same value
// again keeps it.
export interface Entry<V> {
  readonly value: V;
  readonly expiresAt: number;
  note: unknown;
}

interface StoredEntry<V> extends Entry<V> {
  value: V;
  expiresAt: number;
}

export class ExpiringMap<V> {
  private current = new Map<string, StoredEntry<V>>();
  private previous = new Map<string, StoredEntry<V>>();
  /** The first use starts the clock. */
  private rotatesAt = Number.NEGATIVE_INFINITY;
  /** Half the bound each: the two generations together hold at most `maxEntries`. */
  private readonly generationSize: number;

  constructor(
    private readonly ttlMs: number,
    maxEntries: number,
  ) {
    this.generationSize = Math.max(1, Math.floor(maxEntries / 2));
  }

  get size(): number {
    return this.current.size + this.previous.size;
  }

  /** The value stored for the key, unless it has expired by `now` (Date.now(), read once by the caller). */
  get(key: string, now: number): V | undefined {
    return this.entry(key, now)?.value;
  }

  /** The value with its expiry and its note, unless it has expired by `now`. */
  entry(key: string, now: number): Entry<V> | undefined {
    if (now >= this.rotatesAt) this.rotate(now);
    const entry = this.current.get(key);
    if (entry !== undefined) return entry.expiresAt > now ? entry : undefined;
    const older = this.previous.get(key);
    if (older === undefined || older.expiresAt <= now) return undefined;
    if (this.current.size < this.generationSize) {
      this.previous.delete(key);
      this.current.set(key, older);
    }
    return older;
  }

  /** The value still held for the key, expired or not: never to be served, only to compare a new one with. */
  held(key: string): V | undefined {
    return (this.current.get(key) ?? this.previous.get(key))?.value;
  }

  has(key: string, now: number): boolean {
    return this.get(key, now) !== undefined;
  }

  /** Stores the value anew, with a new expiry; returns its entry. */
  set(key: string, value: V, now: number): Entry<V> {
    if (now >= this.rotatesAt || this.current.size >= this.generationSize) this.rotate(now);
    const expiresAt = now + this.ttlMs;
    const entry = this.current.get(key);
    if (entry !== undefined) return renew(entry, value, expiresAt);
    const older = this.previous.get(key);
    if (older === undefined) {
      const added = { value, expiresAt, note: undefined };
      this.current.set(key, added);
      return added;
    }
    this.previous.delete(key);
    this.current.set(key, older);
    return renew(older, value, expiresAt);
  }

  delete(key: string): void {
    this.current.delete(key);
    this.previous.delete(key);
  }

  clear(): void {
    this.current = new Map();
    this.previous = new Map();
  }

  private rotate(now: number): void {
    this.previous = this.current;
    this.current = new Map();
    this.rotatesAt = now + this.ttlMs;
  }
}

function renew<V>(entry: StoredEntry<V>, value: V, expiresAt: number): StoredEntry<V> {
  if (entry.value !== value) entry.note = undefined; // learnt from the value it replaces
  entry.value = value;
  entry.expiresAt = expiresAt;
  return entry;
}
