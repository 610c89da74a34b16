// What a new stage must satisfy before it is stored: one typo must not disclose everyone. Pure.
import type { PolicyStage } from './types';

export interface StageRules {
  /** A MANDATORY stage gives at least this many days of notice (MIN_MANDATORY_NOTICE_DAYS). */
  minMandatoryNoticeDays: number;
  /** A start before now puts the stage in force at once; only when asked for explicitly. */
  allowPastStart: boolean;
}

export const MAX_STAGE_NAME_LENGTH = 64;

// C0 controls, DEL and C1 controls: a name is printed on terminals, in logs and in the audit, where an escape
// sequence (ESC[2J, CSI) would clear or rewrite what an operator reads.
// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

/** Every reason the stage cannot be added, in words; empty when it can. */
export function stageProblems(stage: Omit<PolicyStage, 'id'>, now: Date, rules: StageRules): string[] {
  const problems: string[] = [];
  if (stage.name.trim() === '' || stage.name.length > MAX_STAGE_NAME_LENGTH) {
    problems.push(`the name must be 1-${MAX_STAGE_NAME_LENGTH} characters`);
  }
  if (CONTROL_CHARACTER.test(stage.name)) {
    problems.push('the name must not contain control characters (C0, DEL or C1, such as an escape or a line break)');
  }
  // null means every category: an empty list must never be stored as "every category" by accident.
  if (stage.categories !== null && stage.categories.length === 0) {
    problems.push('the category list is empty: leave it out to cover every category, or name at least one');
  }
  if (stage.mode === 'MANDATORY' && stage.noticeDays < rules.minMandatoryNoticeDays) {
    problems.push(
      `a mandatory stage needs at least ${rules.minMandatoryNoticeDays} notice days (MIN_MANDATORY_NOTICE_DAYS), got ${stage.noticeDays}`,
    );
  }
  if (!rules.allowPastStart && stage.effectiveFrom.getTime() < now.getTime()) {
    problems.push(
      `the start ${stage.effectiveFrom.toISOString()} is in the past: the stage would be in force at once ` +
        '(to mean that, say so with --allow-past-start)',
    );
  }
  return problems;
}
