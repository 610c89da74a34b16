// Whether a professional qualification is shown, decided when it is read: a credential counts from the
// moment it is stored until the instant its expiresAt comes, never after, whatever else still holds its row
// (no job has to run for it to stop counting). Pure: the time is an argument.

/**
 * The fields whose publishers must show a credential (CAC, on strengthening "self-media" management,
 * 10 July 2023, item 2: finance, education, medical and health, legal).
 */
export const PROFESSIONAL_FIELDS = ['FINANCE', 'EDUCATION', 'MEDICAL', 'LAW'] as const;
export type ProfessionalField = (typeof PROFESSIONAL_FIELDS)[number];

/** A credential as stored: one per account, field and title. A revoked one is no longer stored. */
export interface StoredQualification {
  userId: string;
  field: ProfessionalField;
  /** The credential's name, as the platform verified it: 执业医师, 律师执业证... */
  title: string;
  issuer: string | null;
  verifiedAt: Date;
  /** null: it does not expire. */
  expiresAt: Date | null;
}

/** Shown (and counting for mayPublishIn) before its expiresAt; at that instant and after, not. */
export function isInForce(qualification: StoredQualification, now: Date): boolean {
  return qualification.expiresAt === null || now.getTime() < qualification.expiresAt.getTime();
}

const FIELD_ORDER = new Map<ProfessionalField, number>(PROFESSIONAL_FIELDS.map((field, index) => [field, index]));

/** Field by field in the order above; within a field, the most recently verified first, then by title. */
function byDisplayOrder(a: StoredQualification, b: StoredQualification): number {
  return (
    FIELD_ORDER.get(a.field)! - FIELD_ORDER.get(b.field)! ||
    b.verifiedAt.getTime() - a.verifiedAt.getTime() ||
    (a.title < b.title ? -1 : a.title > b.title ? 1 : 0)
  );
}

/** An account's credentials in force at `now`, in the order a profile lists them. */
export function qualificationsInForce(
  qualifications: readonly StoredQualification[],
  now: Date,
): StoredQualification[] {
  return qualifications.filter((qualification) => isInForce(qualification, now)).sort(byDisplayOrder);
}

/**
 * The credential a post in `field` is labelled with: the account's most recently verified one in force in
 * that field; undefined when it has none (then it may not publish there: see mayPublishIn).
 */
export function qualificationForField(
  qualifications: readonly StoredQualification[],
  field: ProfessionalField,
  now: Date,
): StoredQualification | undefined {
  return qualificationsInForce(qualifications, now).find((qualification) => qualification.field === field);
}

/**
 * Whether the account may publish in `field`: only with a credential in force there (item 2 suspends
 * publishing in the field while the credential is missing or expired). The posts service enforces it.
 */
export function mayPublishIn(
  qualifications: readonly StoredQualification[],
  field: ProfessionalField,
  now: Date,
): boolean {
  return qualificationForField(qualifications, field, now) !== undefined;
}
