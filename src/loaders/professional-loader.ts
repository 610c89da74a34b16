// The per-request batches of professional labels: every credential field of one request (User.qualifications,
// User.mayPublishIn, Post.professionalLabel) becomes one read of the accounts' credentials, every
// User.mcnAgency one read of their agencies, and a request that asks for neither reads neither.
//
// Contract: created per request; the rows are kept for this request only, and what is in force is decided
// from them, by the pure rules of src/professional/, at the moment each field is answered: a credential is
// never shown at or after its expiresAt, however the rows were read. Values per key, in key order; batches
// above `maxBatchSize` are split. When a read fails, every key of that batch gets the
// PROFESSIONAL_LABELS_UNAVAILABLE error.
import DataLoader from 'dataloader';
import { professionalLabelsUnavailable } from '../errors';
import { fieldOfCategory, type CategoryFields } from '../professional/categories';
import {
  mcnAgencyOf,
  qualificationLabel,
  qualificationOf,
  type LabelLanguage,
  type McnAgency,
  type Qualification,
  type StoredMcnAgency,
} from '../professional/label';
import {
  mayPublishIn,
  qualificationForField,
  qualificationsInForce,
  type ProfessionalField,
  type StoredQualification,
} from '../professional/qualification';
import { userIdProblem } from '../user-id';

/** Where the loader reads stored labels from (the read path's ProfessionalReader). */
export interface ProfessionalSource {
  qualifications(userIds: readonly string[]): Promise<StoredQualification[]>;
  mcnAgencies(userIds: readonly string[]): Promise<StoredMcnAgency[]>;
}

export interface ProfessionalSettings {
  language: LabelLanguage;
  categoryFields: CategoryFields;
}

export interface ProfessionalLoaderOptions extends ProfessionalSettings {
  source: ProfessionalSource;
  /** The read-time decision's now (the policy's clock). */
  clock: () => Date;
  maxBatchSize: number;
}

export interface ProfessionalLoader {
  /** The account's credentials in force now, labelled, in the order a profile lists them. */
  qualificationsOf(userId: string): Promise<Qualification[]>;
  /** Whether the account holds a credential in force in `field` now. */
  mayPublishIn(userId: string, field: ProfessionalField): Promise<boolean>;
  /** The label of a post by the account in this category; null when the category is in no field, or the account holds no credential in force there. */
  professionalLabel(userId: string, category: string | null): Promise<string | null>;
  mcnAgencyOf(userId: string): Promise<McnAgency | null>;
}

/** One batch per kind: the rows of each key, [] or undefined for a key without any. */
function batchOf<Row extends { userId: string }>(
  read: (userIds: readonly string[]) => Promise<Row[]>,
  maxBatchSize: number,
): DataLoader<string, Row[]> {
  return new DataLoader<string, Row[]>(
    async (userIds) => {
      // An id that could not have been stored (too long, control characters...) has no labels: not asked.
      const storable = userIds.filter((userId) => userIdProblem(userId) === undefined);
      let rows: Row[] = [];
      try {
        if (storable.length > 0) rows = await read(storable);
      } catch (error) {
        throw professionalLabelsUnavailable(error);
      }
      // The IN query returns rows in any order: grouped back by account.
      const byUser = new Map<string, Row[]>();
      for (const row of rows) {
        const held = byUser.get(row.userId);
        if (held === undefined) byUser.set(row.userId, [row]);
        else held.push(row);
      }
      return userIds.map((userId) => byUser.get(userId) ?? []);
    },
    { maxBatchSize },
  );
}

export function createProfessionalLoader(options: ProfessionalLoaderOptions): ProfessionalLoader {
  const { source, clock, language, categoryFields } = options;
  // Made on first use: every request makes this loader, most ask for no professional label.
  let qualifications: DataLoader<string, StoredQualification[]> | undefined;
  let agencies: DataLoader<string, StoredMcnAgency[]> | undefined;
  const storedQualifications = (userId: string) => {
    qualifications ??= batchOf((ids) => source.qualifications(ids), options.maxBatchSize);
    return qualifications.load(userId);
  };
  return {
    async qualificationsOf(userId) {
      const inForce = qualificationsInForce(await storedQualifications(userId), clock());
      return inForce.map((stored) => qualificationOf(stored, language));
    },
    async mayPublishIn(userId, field) {
      return mayPublishIn(await storedQualifications(userId), field, clock());
    },
    async professionalLabel(userId, category) {
      const field = fieldOfCategory(category, categoryFields);
      if (field === null) return null; // nothing to read
      const shown = qualificationForField(await storedQualifications(userId), field, clock());
      return shown === undefined ? null : qualificationLabel(shown.field, shown.title, language);
    },
    async mcnAgencyOf(userId) {
      agencies ??= batchOf((ids) => source.mcnAgencies(ids), options.maxBatchSize);
      const [agency] = await agencies.load(userId);
      return agency === undefined ? null : mcnAgencyOf(agency, language);
    },
  };
}
