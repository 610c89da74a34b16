// A bounded map whose entries expire a fixed time after they were stored: the row cache's store. Oldest first
// in every sense (a Map keeps insertion order, and every entry lives as long), so an expired entry, or the one
// to drop when full, is always at the front. Written for the read path: lru-cache's get, with its recency
// bookkeeping and a clock read per key, cost ~9% of a cached 100-reference request (docs/performance.md); here
// a read takes the clock once for all its keys.
interface Entry<V> {
  value: V;
  expiresAt: number;
}

export class ExpiringMap<V> {
  private readonly entries = new Map<string, Entry<V>>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** The value stored for the key, unless it has expired by `now` (Date.now(), read once by the caller). */
  get(key: string, now: number): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt > now) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  has(key: string, now: number): boolean {
    return this.get(key, now) !== undefined;
  }

  /** Stores the value anew (a key stored again moves to the back, with a new expiry). */
  set(key: string, value: V, now: number): void {
    this.entries.delete(key);
    this.dropExpired(now);
    if (this.entries.size >= this.maxEntries) this.dropOldest();
    this.entries.set(key, { value, expiresAt: now + this.ttlMs });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  private dropExpired(now: number): void {
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt > now) return;
      this.entries.delete(key);
    }
  }

  private dropOldest(): void {
    const oldest = this.entries.keys().next();
    if (oldest.done !== true) this.entries.delete(oldest.value);
  }
}
