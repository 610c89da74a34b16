// The ids each request asks for: random accounts of the benchmark table, drawn once and sent in rotation, so
// the load generator spends its time sending, not building. The raw and the subgraph runs use the same sets.
import { benchUserId } from './dataset';

export function randomIdSets(accounts: number, size: number, count: number, seed: number): string[][] {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0; // an LCG: plenty for picking ids
    return state / 4294967296;
  };
  return Array.from({ length: count }, () =>
    Array.from({ length: size }, () => benchUserId(Math.floor(next() * accounts))),
  );
}

/** Distinct ids over all sets: the working set a cross-request cache would have to hold. */
export function distinctIds(sets: string[][]): number {
  return new Set(sets.flat()).size;
}
