// A row the row cache holds, found NOT_SUBJECT, is NOT_SUBJECT again until a stage starts or ends: that status
// hangs on the stages in force and the row's facts alone (no deadline, no viewer), and a changed row is a new
// value, which starts without a note. Its label names nothing of the account or of the viewer (no name is due
// to anyone), so it is noted on the row and the next request takes it without reading the row again: most
// accounts of a feed are not subject, and reading a row is a few cache misses each (docs/performance.md).
// Anything else is decided afresh on every request: deadlines pass, viewers differ.
//
// The stages must never change in place (PolicyStageCache loads them deep-frozen, a new array each time).
import { SUBJECT_KINDS_OR_NONE, notSubjectLabel, type IdentityLabel } from '../policy/label';
import { isWithinEpoch, stageEpochAt, type StageEpoch } from '../policy/stage-epoch';
import type { PolicyRules, PolicyStage } from '../policy/types';

/** One epoch's notes: a note of any other epoch is none of them. Immutable, so a request keeps its own. */
export class EpochNotes {
  /** One per subject kind, made for this epoch. */
  private readonly labels: readonly IdentityLabel[] = SUBJECT_KINDS_OR_NONE.map((kind) =>
    Object.freeze({ ...notSubjectLabel(kind) }),
  );

  constructor(readonly epoch: StageEpoch) {}

  /** The label a note stands for, when it was noted in this epoch. */
  recall(note: unknown): IdentityLabel | undefined {
    const { labels } = this;
    for (let index = 0; index < labels.length; index++) if (labels[index] === note) return labels[index];
    return undefined;
  }

  /** What to note on the row a label was decided from in this epoch: only a NOT_SUBJECT label is noted. */
  noteFor(label: IdentityLabel): IdentityLabel | undefined {
    if (label.status !== 'NOT_SUBJECT') return undefined;
    return this.labels[SUBJECT_KINDS_OR_NONE.indexOf(label.subjectKind)];
  }
}

/** The notes of the epoch in force: one holder for the requests of one app (GraphQLServices). */
export class NotSubjectNotes {
  private current: EpochNotes | undefined;

  /** The notes of the epoch `now` (epoch ms) is in; a new epoch (the stages or the time moved on) has new ones. */
  at(stages: readonly PolicyStage[], rules: PolicyRules, now: number): EpochNotes {
    const current = this.current;
    if (current !== undefined && isWithinEpoch(current.epoch, stages, rules, now)) return current;
    return (this.current = new EpochNotes(stageEpochAt(stages, rules, now)));
  }
}
