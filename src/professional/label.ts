// What a profile or a post prints for a credential and for an MCN agency, in the configured language
// (PROFESSIONAL_LABEL_LANGUAGE): "医疗卫生：执业医师", "MCN机构：星河传媒" (or "Medical: 执业医师",
// "MCN agency: 星河传媒"). The credential's title and the agency's name are printed as the platform gave them.
import type { ProfessionalField, StoredQualification } from './qualification';

export const LABEL_LANGUAGES = ['zh', 'en'] as const;
export type LabelLanguage = (typeof LABEL_LANGUAGES)[number];

/** The fields as the CAC notice names them (金融、教育、医疗卫生、司法). */
const FIELD_NAMES: Record<ProfessionalField, Record<LabelLanguage, string>> = {
  FINANCE: { zh: '金融', en: 'Finance' },
  EDUCATION: { zh: '教育', en: 'Education' },
  MEDICAL: { zh: '医疗卫生', en: 'Medical' },
  LAW: { zh: '司法', en: 'Law' },
};

const SEPARATOR: Record<LabelLanguage, string> = { zh: '：', en: ': ' };
const MCN_AGENCY: Record<LabelLanguage, string> = { zh: 'MCN机构', en: 'MCN agency' };

/** A credential as served: what a profile shows, and the label printed from it. Never the account's id. */
export interface Qualification {
  field: ProfessionalField;
  title: string;
  issuer: string | null;
  label: string;
  verifiedAt: Date;
  expiresAt: Date | null;
}

/** An MCN agency as served: its name, and the label printed from it. */
export interface McnAgency {
  name: string;
  label: string;
}

/** An account's MCN agency as stored: one at a time. */
export interface StoredMcnAgency {
  userId: string;
  name: string;
  /** When the account joined it. */
  since: Date;
}

export function fieldName(field: ProfessionalField, language: LabelLanguage): string {
  return FIELD_NAMES[field][language];
}

export function qualificationLabel(field: ProfessionalField, title: string, language: LabelLanguage): string {
  return `${fieldName(field, language)}${SEPARATOR[language]}${title}`;
}

export function mcnAgencyLabel(name: string, language: LabelLanguage): string {
  return `${MCN_AGENCY[language]}${SEPARATOR[language]}${name}`;
}

export function qualificationOf(stored: StoredQualification, language: LabelLanguage): Qualification {
  const { field, title, issuer, verifiedAt, expiresAt } = stored;
  return { field, title, issuer, label: qualificationLabel(field, title, language), verifiedAt, expiresAt };
}

export function mcnAgencyOf(stored: StoredMcnAgency, language: LabelLanguage): McnAgency {
  return { name: stored.name, label: mcnAgencyLabel(stored.name, language) };
}
