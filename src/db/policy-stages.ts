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

export class PolicyStageCache {
  private stages: readonly PolicyStage[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly log: Logger,
  ) {}

  /** Loads the stages once (failing loudly: a service without its policy must not start), then keeps them fresh. */
  async start(refreshSeconds: number): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => {
      this.refresh().catch((error: unknown) => {
        // Keep serving the last known stages; the next tick tries again.
        this.log.warn({ err: errorForLog(error) }, 'policy stage refresh failed');
      });
    }, refreshSeconds * 1000);
    this.timer.unref();
  }

  async refresh(): Promise<void> {
    this.stages = Object.freeze(await loadPolicyStages(this.dataSource));
  }

  current(): readonly PolicyStage[] {
    return this.stages;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
