// The time between two stage boundaries (a stage starting, or being retired): within it the same stages are in
// force, so an account's governing stage is the same at every instant of it (its own notice deadline aside).
import type { PolicyRules, PolicyStage } from './types';

export interface StageEpoch {
  /** The very array: a change of stages is a new one (they are never changed in place). */
  readonly stages: readonly PolicyStage[];
  readonly hysteresisRatio: number;
  /** From this instant (epoch ms, included) to `until` (excluded); unbounded: ±Infinity. */
  readonly from: number;
  readonly until: number;
}

/** The epoch `now` (epoch ms) is in, under these stages and rules. */
export function stageEpochAt(stages: readonly PolicyStage[], rules: PolicyRules, now: number): StageEpoch {
  let from = Number.NEGATIVE_INFINITY;
  let until = Number.POSITIVE_INFINITY;
  for (const stage of stages) {
    for (const boundary of [stage.effectiveFrom, stage.retiredAt]) {
      if (boundary === null) continue;
      const at = boundary.getTime();
      if (at <= now) from = Math.max(from, at);
      else until = Math.min(until, at);
    }
  }
  return { stages, hysteresisRatio: rules.hysteresisRatio, from, until };
}

/** Is `now` still within the epoch, under the very same stages and the same rules? */
export function isWithinEpoch(
  epoch: StageEpoch,
  stages: readonly PolicyStage[],
  rules: PolicyRules,
  now: number,
): boolean {
  return (
    epoch.stages === stages && epoch.hysteresisRatio === rules.hysteresisRatio && epoch.from <= now && now < epoch.until
  );
}
