// Waiting with a bound: the read path, the readiness probe and the shutdown never wait forever.

/**
 * Settles as `work` does, or, if `timeoutMs` passes first, as `onTimeout` does (return a fallback value or
 * throw). The timer is cleared either way and never keeps the process alive.
 */
export function withTimeout<T, F = T>(work: Promise<T>, timeoutMs: number, onTimeout: () => F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<F>((resolve, reject) => {
    timer = setTimeout(() => {
      try {
        resolve(onTimeout());
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    }, timeoutMs);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
