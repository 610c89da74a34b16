// The GraphQL enums, built from the policy's own lists so that the two cannot drift apart.
import { registerEnumType } from 'type-graphql';
import { DISCLOSURE_MODES, DISCLOSURE_REASONS, DISCLOSURE_STATUSES, SUBJECT_KINDS } from '../../policy/types';
import { LABEL_CHANGE_EVENTS } from '../../professional/label-changes';
import { PROFESSIONAL_FIELDS } from '../../professional/qualification';

function enumObject<const Values extends readonly string[]>(values: Values): { [Value in Values[number]]: Value } {
  return Object.fromEntries(values.map((value) => [value, value])) as { [Value in Values[number]]: Value };
}

export const DisclosureStatusEnum = enumObject(DISCLOSURE_STATUSES);
export const SubjectKindEnum = enumObject(SUBJECT_KINDS);
export const DisclosureModeEnum = enumObject(DISCLOSURE_MODES);
export const DisclosureReasonEnum = enumObject(DISCLOSURE_REASONS);
export const ProfessionalFieldEnum = enumObject(PROFESSIONAL_FIELDS);
export const LabelChangeEventEnum = enumObject(LABEL_CHANGE_EVENTS);

registerEnumType(DisclosureStatusEnum, {
  name: 'DisclosureStatus',
  description: 'Where an account stands under the real-name disclosure policy.',
  valuesConfig: {
    NOT_SUBJECT: { description: 'No stage applies and the account has not disclosed voluntarily.' },
    NOTICE: { description: 'Subject and verified; the notice period runs and no answer has been given.' },
    DISCLOSED: { description: 'The real name is shown (consent, a mandatory deadline, or voluntary disclosure).' },
    REFUSED: { description: 'Subject and refused, or the consent deadline passed unanswered.' },
    UNVERIFIED: { description: 'Subject but no verified real name is on file.' },
  },
});
registerEnumType(SubjectKindEnum, { name: 'SubjectKind' });
registerEnumType(DisclosureModeEnum, {
  name: 'DisclosureMode',
  valuesConfig: {
    CONSENT: { description: 'The name is shown once the account consents.' },
    MANDATORY: { description: 'The name is shown once the notice deadline passes, consent or not.' },
  },
});
registerEnumType(DisclosureReasonEnum, {
  name: 'DisclosureReason',
  description: 'Why a DISCLOSED real name is shown.',
  valuesConfig: {
    CONSENT: { description: 'The account consented to the notice of the stage that governs it.' },
    VOLUNTARY: { description: 'No stage governs the account; it chose to show its name.' },
    MANDATORY_DEADLINE: {
      description: "A MANDATORY stage's notice deadline passed: shown consent or not, even after a withdrawal.",
    },
  },
});
registerEnumType(ProfessionalFieldEnum, {
  name: 'ProfessionalField',
  description:
    'A field whose publishers must show a credential (CAC notice on "self-media" management, 10 July 2023, item 2).',
  valuesConfig: {
    FINANCE: { description: '金融: finance.' },
    EDUCATION: { description: '教育: education.' },
    MEDICAL: { description: '医疗卫生: medicine and health.' },
    LAW: { description: '司法: law.' },
  },
});
registerEnumType(LabelChangeEventEnum, {
  name: 'LabelChangeEvent',
  description:
    "A change of an account's credentials or MCN agency. That a credential expired is told by its expiresAt.",
  valuesConfig: {
    QUALIFICATION_GRANTED: { description: 'A credential was verified and added.' },
    QUALIFICATION_RENEWED: { description: 'A credential was verified again: new verifiedAt or expiresAt.' },
    QUALIFICATION_UPDATED: { description: 'A credential now names another issuer.' },
    QUALIFICATION_REVOKED: { description: 'A credential was revoked and removed.' },
    MCN_JOINED: { description: 'The account joined an MCN agency.' },
    MCN_LEFT: { description: 'The account left an MCN agency.' },
  },
});
