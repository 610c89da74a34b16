// Which professional field a post's category belongs to (PROFESSIONAL_CATEGORY_FIELDS): the posts service
// names categories its own way, so the mapping is configuration, compared without regard to case or the
// white space around it. A category in no field gets no professional label.
import { PROFESSIONAL_FIELDS, type ProfessionalField } from './qualification';

/** Lower-cased, trimmed category -> field. */
export type CategoryFields = ReadonlyMap<string, ProfessionalField>;

/** The categories of the platforms' usual names, in English and Chinese. */
export const DEFAULT_CATEGORY_FIELDS =
  'finance=FINANCE,investment=FINANCE,insurance=FINANCE,财经=FINANCE,金融=FINANCE,理财=FINANCE,' +
  'education=EDUCATION,教育=EDUCATION,' +
  'medical=MEDICAL,health=MEDICAL,医疗=MEDICAL,健康=MEDICAL,医疗卫生=MEDICAL,' +
  'law=LAW,legal=LAW,法律=LAW,司法=LAW';

function normalized(category: string): string {
  return category.trim().toLowerCase();
}

/**
 * What is wrong with a mapping ("category=FIELD,..."), or undefined. Entries are named by position, never
 * by their text.
 */
export function categoryFieldsProblem(setting: string): string | undefined {
  const seen = new Map<string, string>();
  const entries = setting.split(',');
  for (const [index, entry] of entries.entries()) {
    const where = `entry ${index + 1} of ${entries.length}`;
    const [category = '', field, ...rest] = entry.split('=');
    if (field === undefined || rest.length > 0) return `${where} is not category=FIELD`;
    if (normalized(category) === '') return `${where} names no category`;
    if (!(PROFESSIONAL_FIELDS as readonly string[]).includes(field.trim())) {
      return `${where} names no field: use ${PROFESSIONAL_FIELDS.join(', ')}`;
    }
    const earlier = seen.get(normalized(category));
    if (earlier !== undefined && earlier !== field.trim()) return `${where} maps a category to a second field`;
    seen.set(normalized(category), field.trim());
  }
  return undefined;
}

/** The mapping of a setting that categoryFieldsProblem found nothing wrong with. */
export function parseCategoryFields(setting: string): CategoryFields {
  return new Map(
    setting.split(',').map((entry) => {
      const [category = '', field = ''] = entry.split('=');
      return [normalized(category), field.trim() as ProfessionalField];
    }),
  );
}

/** The field of a post's category, or null (no category, or one in no field). */
export function fieldOfCategory(category: string | null, fields: CategoryFields): ProfessionalField | null {
  return category === null ? null : (fields.get(normalized(category)) ?? null);
}
