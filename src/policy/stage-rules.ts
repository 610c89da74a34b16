// What a new stage must satisfy before it is stored: one typo must not disclose everyone. Pure.
import type { PolicyStage } from './types';

export interface StageRules {
  /** A MANDATORY stage gives at least this many days of notice (MIN_MANDATORY_NOTICE_DAYS). */
  minMandatoryNoticeDays: number;
  /** A start before now puts the stage in force at once; only when asked for explicitly. */
  allowPastStart: boolean;
}

export const MAX_STAGE_NAME_LENGTH = 64;
/** Far above any platform's largest account, and within the column (a signed 32-bit INT). */
export const MAX_MIN_FOLLOWERS = 2_000_000_000;
/** Ten years: a deadline further out is a typo, and one past year 9999 is no date at all. */
export const MAX_NOTICE_DAYS = 3650;

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
  if (!Number.isInteger(stage.minFollowers) || stage.minFollowers < 0 || stage.minFollowers > MAX_MIN_FOLLOWERS) {
    problems.push(
      `the follower minimum must be a whole number from 0 to ${MAX_MIN_FOLLOWERS}, got ${stage.minFollowers}`,
    );
  }
  if (!Number.isInteger(stage.noticeDays) || stage.noticeDays < 0 || stage.noticeDays > MAX_NOTICE_DAYS) {
    problems.push(`the notice must be a whole number of days from 0 to ${MAX_NOTICE_DAYS}, got ${stage.noticeDays}`);
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
