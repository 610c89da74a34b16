// `identity-labels policy ...`: what a policy change would do is shown before it is made, and it is made only
// when asked for with --yes. One typo in a stage must not disclose everyone.
import { InvalidArgumentError } from 'commander';
import { stageIsInForce } from '../policy/disclosure';
import type { PolicyChangeImpact } from '../policy/stage-impact';
import type { PolicyStage } from '../policy/types';

/** "--categories a, b": the list; an empty one ("", " , ,") is refused, never read as "every category". */
export function categoryList(value: string): string[] {
  const categories = value
    .split(',')
    .map((category) => category.trim())
    .filter(Boolean);
  if (categories.length === 0) {
    throw new InvalidArgumentError('names no category: leave --categories out to cover every category');
  }
  return categories;
}

function stageState(stage: PolicyStage, now: Date): string {
  if (stage.retiredAt !== null && stage.retiredAt.getTime() <= now.getTime()) {
    return `retired ${stage.retiredAt.toISOString()}`;
  }
  const retiring = stage.retiredAt === null ? '' : `, retiring ${stage.retiredAt.toISOString()}`;
  return `${stageIsInForce(stage, now) ? 'in force' : 'scheduled'}${retiring}`;
}

export function describeStage(stage: PolicyStage, now: Date): string {
  return [
    stage.name.padEnd(16),
    `>= ${stage.minFollowers.toLocaleString('en')} followers`.padEnd(26),
    `from ${stage.effectiveFrom.toISOString()}`,
    `${stage.noticeDays} notice days`,
    stage.mode,
    stage.categories === null ? 'all categories' : `categories: ${stage.categories.join(', ')}`,
    stageState(stage, now),
  ].join('  ');
}

export function describeImpact(impact: PolicyChangeImpact, at: Date, action: 'add' | 'retire'): string {
  const count = (n: number) => n.toLocaleString('en');
  const shown =
    impact.disclosed === 0
      ? 'none'
      : `${count(impact.disclosed)}, the first from ${impact.firstDisclosedAt?.toISOString()} (consent or not)`;
  const lines = [
    `what it would do (from ${at.toISOString()}, as notify would apply it):`,
    action === 'add'
      ? `  accounts it would govern:       ${count(impact.governedByStage)} (${count(impact.subjectAfter - impact.subjectBefore)} not subject now)`
      : `  accounts it governs:            ${count(impact.governedByStage)} (${count(impact.subjectBefore - impact.subjectAfter)} would be subject no more)`,
    `  names it would disclose:        ${shown}`,
    `  names it would hide again:      ${count(impact.hidden)}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** True with --yes; otherwise says that nothing changed, and how to apply it (exit code 1 unless --dry-run). */
export function confirmed(options: { yes?: boolean; dryRun?: boolean }, action: 'add' | 'retire'): boolean {
  if (options.yes && !options.dryRun) return true;
  if (options.dryRun) {
    process.stdout.write('dry run: nothing changed\n');
  } else {
    process.stderr.write(`nothing changed: run the same command with --yes to ${action} it\n`);
    process.exitCode = 1;
  }
  return false;
}
