// Waiting for something that happens in another process (a replica, Redis, another instance), with a bound.

/** Asks `condition` every `everyMs` until it holds; resolves with the ms it took, throws after `withinMs`. */
export async function waitUntil(
  condition: () => Promise<boolean>,
  what: string,
  withinMs: number,
  everyMs = 20,
): Promise<number> {
  const since = Date.now();
  while (!(await condition())) {
    if (Date.now() - since > withinMs) throw new Error(`${what}: not within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return Date.now() - since;
}
