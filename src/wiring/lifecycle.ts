// What the service has started, stopped in reverse: the same list closes it at shutdown and after a start-up
// that failed partway, so nothing started is left running either way.

export type Stop = () => unknown;

export class Lifecycle {
  private readonly started: Stop[] = [];

  /** Registers what was just started; it is stopped before everything started earlier. */
  add(stop: Stop): void {
    this.started.push(stop);
  }

  /** Stops everything, newest first, each once; the first failure is thrown after all have been tried. */
  async close(): Promise<void> {
    let failure: unknown;
    for (let next = this.started.pop(); next !== undefined; next = this.started.pop()) {
      try {
        await next();
      } catch (error) {
        failure ??= error;
      }
    }
    if (failure !== undefined) throw failure;
  }
}
