// The policy stages, held in memory and refreshed on an interval: stages change rarely, and the read path
// must not query them per request.
import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import { errorForLog } from '../errors';
import type { PolicyStage } from '../policy/types';
import { PolicyStagesTable } from './tables';

export function loadPolicyStages(dataSource: DataSource): Promise<PolicyStage[]> {
  return dataSource.getRepository(PolicyStagesTable).find({ order: { effectiveFrom: 'ASC', id: 'ASC' } });
}

function frozenStage(stage: PolicyStage): PolicyStage {
  if (stage.categories !== null) Object.freeze(stage.categories);
  return Object.freeze(stage);
}

/** After a failed load, the next one waits this long: a database that fails is not asked again at once. */
const RETRY_AFTER_FAILURE_MS = 1000;

/**
 * The stages in memory. They are loaded again every POLICY_REFRESH_SECONDS and whenever the change feed says
 * the policy changed, which anyone able to publish on Redis can say thousands of times a second: however
 * many ask, at most one load runs and one waits, and a failure is logged at most once a refresh interval.
 */
export class PolicyStageCache {
  private stages: readonly PolicyStage[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** The load whose query has been sent, if any. */
  private running: Promise<void> | undefined;
  /** The load every refresh asked since `running` began waits for: it starts once `running` is over. */
  private next: Promise<void> | undefined;
  private stopped = false;
  private failedAt = -Infinity;
  private warnedAt = -Infinity;
  private failuresSinceWarning = 0;
  private warnEveryMs = 30_000;

  constructor(
    private readonly dataSource: DataSource,
    private readonly log: Logger,
  ) {}

  /** Loads the stages once (failing loudly: a service without its policy must not start), then keeps them fresh. */
  async start(refreshSeconds: number): Promise<void> {
    this.warnEveryMs = refreshSeconds * 1000;
    await this.load();
    this.timer = setInterval(() => void this.refresh(), refreshSeconds * 1000);
    this.timer.unref();
  }

  /**
   * Loads the stages again. Resolves once a load that began after the call is over, so that it saw every change
   * committed before the call; never rejects: a failed load keeps the last known stages and is logged here.
   * Calls that come while a load waits join it: a burst of them costs one load, or two when one was running.
   */
  refresh(): Promise<void> {
    this.next ??= this.loadAfterRunning();
    return this.next;
  }

  current(): readonly PolicyStage[] {
    return this.stages;
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  private async loadAfterRunning(): Promise<void> {
    await this.running; // never rejects
    const wait = this.failedAt + RETRY_AFTER_FAILURE_MS - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait).unref());
    this.next = undefined; // a call from now on may come after this load's query: it needs the next one
    if (this.stopped) return;
    const load = this.loadOrWarn();
    this.running = load;
    await load;
    if (this.running === load) this.running = undefined;
  }

  private async loadOrWarn(): Promise<void> {
    try {
      await this.load();
    } catch (error) {
      // Keep serving the last known stages; the next refresh tries again.
      this.failedAt = performance.now();
      this.failuresSinceWarning += 1;
      if (this.failedAt - this.warnedAt < this.warnEveryMs) return;
      this.log.warn({ err: errorForLog(error), failures: this.failuresSinceWarning }, 'policy stage refresh failed');
      this.warnedAt = this.failedAt;
      this.failuresSinceWarning = 0;
    }
  }

  private async load(): Promise<void> {
    // Frozen through: the read path keeps decisions for as long as it holds this very array (stage-epoch.ts).
    this.stages = Object.freeze((await loadPolicyStages(this.dataSource)).map(frozenStage));
  }
}
