// A row the row cache holds, found NOT_SUBJECT, is NOT_SUBJECT again until a stage starts or ends: that status
// hangs on the stages in force and the row's facts alone (no deadline, no viewer), and a changed row is a new
// value, which starts without a note. Its label names nothing of the account or of the viewer (no name is due
// to anyone), so it is noted on the row and the next request takes it without reading the row again: most
// accounts of a feed are not subject, and reading a row is a few cache misses each (docs/performance.md).
// Anything else is decided afresh on every request: deadlines pass, viewers differ.
import { SUBJECT_KINDS_OR_NONE, notSubjectLabel, type IdentityLabel } from '../policy/label';
import { isWithinEpoch, stageEpochAt, type StageEpoch } from '../policy/stage-epoch';
import type { PolicyRules, PolicyStage } from '../policy/types';

export class NotSubjectNotes {
  private epoch: StageEpoch | undefined;
  /** This epoch's notes, one per subject kind: a note of an earlier epoch is none of them. */
  private labels: readonly IdentityLabel[] = [];

  /** Moves on to the epoch `now` is in (a new one, with new notes, when the stages or the time moved past it). */
  at(stages: readonly PolicyStage[], rules: PolicyRules, now: number): this {
    if (this.epoch === undefined || !isWithinEpoch(this.epoch, stages, rules, now)) {
      this.epoch = stageEpochAt(stages, rules, now);
      this.labels = SUBJECT_KINDS_OR_NONE.map((kind) => Object.freeze({ ...notSubjectLabel(kind) }));
    }
    return this;
  }

  /** The label a note stands for, when it was noted in this epoch. */
  recall(note: unknown): IdentityLabel | undefined {
    const { labels } = this;
    for (let index = 0; index < labels.length; index++) if (labels[index] === note) return labels[index];
    return undefined;
  }

  /** What to note on the row a label was decided from: only a NOT_SUBJECT label is noted. */
  noteFor(label: IdentityLabel): IdentityLabel | undefined {
    if (label.status !== 'NOT_SUBJECT') return undefined;
    return this.labels[SUBJECT_KINDS_OR_NONE.indexOf(label.subjectKind)];
  }
}
