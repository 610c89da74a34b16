// What the policy commands print: a stage in one line, what a change would do, a change in the history.
import { stageIsInForce } from '../policy/disclosure';
import type { PolicyChangeImpact } from '../policy/stage-impact';
import type { PolicyStage } from '../policy/types';
import type { PolicyChange } from '../db/tables';
import { whole, printable } from './options';

function stageState(stage: PolicyStage, now: Date): string {
  if (stage.retiredAt !== null && stage.retiredAt.getTime() <= now.getTime()) {
    return `retired ${stage.retiredAt.toISOString()}`;
  }
  const retiring = stage.retiredAt === null ? '' : `, retiring ${stage.retiredAt.toISOString()}`;
  return `${stageIsInForce(stage, now) ? 'in force' : 'scheduled'}${retiring}`;
}

export function describeStage(stage: PolicyStage, now: Date): string {
  return [
    printable(stage.name).padEnd(16),
    `>= ${whole(stage.minFollowers)} followers`.padEnd(26),
    `from ${stage.effectiveFrom.toISOString()}`,
    `${stage.noticeDays} notice days`,
    stage.mode,
    stage.categories === null ? 'all categories' : `categories: ${stage.categories.join(', ')}`,
    stageState(stage, now),
  ].join('  ');
}

export function describeImpact(impact: PolicyChangeImpact, at: Date, action: 'add' | 'retire'): string {
  const shown =
    impact.disclosed === 0
      ? 'none'
      : `${whole(impact.disclosed)}, the first from ${impact.firstDisclosedAt?.toISOString()} (consent or not)`;
  const lines = [
    `what it would do (from ${at.toISOString()}, as notify would apply it):`,
    action === 'add'
      ? `  accounts it would govern:       ${whole(impact.governedByStage)} (${whole(impact.subjectAfter - impact.subjectBefore)} not subject now)`
      : `  accounts it governs:            ${whole(impact.governedByStage)} (${whole(impact.subjectBefore - impact.subjectAfter)} would be subject no more)`,
    `  names it would disclose:        ${shown}`,
    `  names it would hide again:      ${whole(impact.hidden)}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** One line of `policy history`. */
export function describeChange(change: PolicyChange): string {
  return `${change.at.toISOString()}  ${change.action.padEnd(8)} ${printable(change.stageName)}  (${printable(change.cause)})`;
}
