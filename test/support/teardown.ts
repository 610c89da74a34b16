// What the test helpers start (at the top level of a test file), they stop after the file's tests, in reverse order: a server is closed before
// the proxy it connects through, a database dropped after the connections to it are gone.
// (Jest runs afterAll hooks in the order they were registered; this runs cleanups last-in, first-out.)

const cleanups: (() => Promise<void>)[] = [];

export function onTeardown(cleanup: () => Promise<void>): void {
  if (cleanups.length === 0) {
    afterAll(async () => {
      for (let cleanup = cleanups.pop(); cleanup !== undefined; cleanup = cleanups.pop()) await cleanup();
    });
  }
  cleanups.push(cleanup);
}

/**
 * Something the tests of one file share: `start`ed before them, `stop`ped after (as above). The object is
 * returned at once and filled in, own properties copied, before the first test runs.
 */
export function startedForTheFile<T extends object>(start: () => Promise<T>, stop: (started: T) => Promise<void>): T {
  const handle = {} as T;
  let started = false;
  beforeAll(async () => {
    Object.assign(handle, await start());
    started = true;
  });
  onTeardown(async () => {
    if (started) await stop(handle);
  });
  return handle;
}
