// V8's young generation, set before anything else loads. Node 24 lets it grow to semi-spaces of 64 MB (a
// 128 MB young generation), most of what this service holds under load. Semi-spaces of 32 MB take 100-200 MB
// off the RSS with the row cache on (the default), at no CPU the benchmark could see; with the cache off they
// collect more often, at 10-25% more CPU in one measured round (docs/performance.md). V8 reads the size when
// the process starts, so the entry point starts itself again, in place (same pid, signals and stdio), with
// the flag: YOUNG_GENERATION_SEMI_SPACE_MB (32 by default; 0 keeps V8's own). A size set by NODE_OPTIONS or on
// the command line is left as it is. config.ts checks the variable and reports a bad value.
const FLAG = '--max-semi-space-size';
const VARIABLE = 'YOUNG_GENERATION_SEMI_SPACE_MB';
export const DEFAULT_SEMI_SPACE_MB = 32;

/** The flag to start with, or undefined when there is nothing to do. */
export function semiSpaceFlag(env: NodeJS.ProcessEnv, execArgv: readonly string[]): string | undefined {
  const raw = env[VARIABLE];
  const megabytes = raw === undefined ? DEFAULT_SEMI_SPACE_MB : /^\d{1,4}$/.test(raw) ? Number(raw) : undefined;
  if (megabytes === undefined || megabytes === 0 || megabytes > 1024) return undefined;
  const alreadySet = [...execArgv, ...(env.NODE_OPTIONS ?? '').split(/\s+/)].some((arg) => arg.startsWith(FLAG));
  return alreadySet ? undefined : `${FLAG}=${megabytes}`;
}

export function startWithYoungGeneration(): void {
  const flag = semiSpaceFlag(process.env, process.execArgv);
  if (flag === undefined || typeof process.execve !== 'function') return;
  process.execve(
    process.execPath,
    [process.execPath, flag, ...process.execArgv, ...process.argv.slice(1)],
    process.env,
  );
}
