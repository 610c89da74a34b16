// V8's heap settings, set before anything else loads. V8 reads them when the process starts, so the entry
// point starts itself again, in place (same pid, signals and stdio), with the flags. A flag already given on
// the command line (or a semi-space size in NODE_OPTIONS) is left as it is. config.ts checks the variables and
// reports a bad value; here a bad value only means no flag. Measured in docs/performance.md.
//
// - YOUNG_GENERATION_SEMI_SPACE_MB (32 by default; 0 keeps V8's own): Node 24 lets the young generation grow to
//   semi-spaces of 64 MB (128 MB), most of what this service holds under load. 32 MB take 100-200 MB off the
//   RSS with the row cache on (the default), at no CPU the benchmark could see.
// - ALLOCATION_SITE_PRETENURING (auto by default: off when the row cache is off, V8's own otherwise): V8
//   allocates straight into the old generation from the places whose objects it saw survive a collection. With
//   the cache off nothing of a request outlives it, but a collection that lands among the requests in flight
//   makes V8 tenure the parsed bodies and the answers: the old generation then fills with them, and the RSS
//   sits 150 MB higher. With the cache on, the cached rows do live on, and tenuring them early pays.
//   `on` leaves V8's own (on), `off` turns it off whatever the cache.
const SEMI_SPACE_FLAG = '--max-semi-space-size';
const SEMI_SPACE_VARIABLE = 'YOUNG_GENERATION_SEMI_SPACE_MB';
export const DEFAULT_SEMI_SPACE_MB = 32;

const PRETENURING_FLAG = 'allocation-site-pretenuring';
const PRETENURING_VARIABLE = 'ALLOCATION_SITE_PRETENURING';
export const PRETENURING_CHOICES = ['auto', 'on', 'off'] as const;

function givenAlready(flag: string, env: NodeJS.ProcessEnv, execArgv: readonly string[]): boolean {
  const given = [...execArgv, ...(env.NODE_OPTIONS ?? '').split(/\s+/)];
  // V8 reads `_` as `-`, and takes `--no-x` and `--nox` for the negation of `--x`.
  return given.some((arg) =>
    arg
      .replace(/_/g, '-')
      .replace(/^--no-?/, '--')
      .startsWith(`--${flag}`),
  );
}

/** The semi-space flag to start with, or undefined when there is nothing to do. */
export function semiSpaceFlag(env: NodeJS.ProcessEnv, execArgv: readonly string[]): string | undefined {
  const raw = env[SEMI_SPACE_VARIABLE];
  const megabytes = raw === undefined ? DEFAULT_SEMI_SPACE_MB : /^\d{1,4}$/.test(raw) ? Number(raw) : undefined;
  if (megabytes === undefined || megabytes === 0 || megabytes > 1024) return undefined;
  return givenAlready(SEMI_SPACE_FLAG.slice(2), env, execArgv) ? undefined : `${SEMI_SPACE_FLAG}=${megabytes}`;
}

/** `--no-allocation-site-pretenuring` when pretenuring is to be off, else undefined (V8's own). */
export function pretenuringFlag(env: NodeJS.ProcessEnv, execArgv: readonly string[]): string | undefined {
  const choice = env[PRETENURING_VARIABLE] ?? 'auto';
  const cacheOff = /^0+$/.test(env.ACCOUNT_CACHE_TTL_MS ?? '');
  const off = choice === 'off' || (choice === 'auto' && cacheOff);
  return off && !givenAlready(PRETENURING_FLAG, env, execArgv) ? `--no-${PRETENURING_FLAG}` : undefined;
}

export function startWithV8Flags(): void {
  const flags = [semiSpaceFlag, pretenuringFlag]
    .map((flagFor) => flagFor(process.env, process.execArgv))
    .filter((flag) => flag !== undefined);
  if (flags.length === 0 || typeof process.execve !== 'function') return;
  process.execve(
    process.execPath,
    [process.execPath, ...flags, ...process.execArgv, ...process.argv.slice(1)],
    process.env,
  );
}
