import { DateTimeResolver } from 'graphql-scalars';
import { Field, ObjectType } from 'type-graphql';
import type * as professional from '../../professional/label';
import type { ProfessionalField } from '../../professional/qualification';
import { ProfessionalFieldEnum } from './enums';

/** Served as the loader builds it (src/professional/label.ts): plain data, read by the default resolvers. */
@ObjectType({
  description:
    "A professional credential the platform verified, shown on the account's profile while it is in force: " +
    'never at or after its expiresAt.',
})
export class Qualification implements professional.Qualification {
  @Field(() => ProfessionalFieldEnum)
  field!: ProfessionalField;

  @Field(() => String, { description: "The credential's name, as verified: 执业医师, 律师执业证..." })
  title!: string;

  @Field(() => String, { nullable: true, description: 'Who issued it, when known.' })
  issuer!: string | null;

  @Field(() => String, {
    description:
      'What the platform prints: the field and the title, e.g. "医疗卫生：执业医师" (or "Medical: 执业医师"); ' +
      'PROFESSIONAL_LABEL_LANGUAGE.',
  })
  label!: string;

  @Field(() => DateTimeResolver)
  verifiedAt!: Date;

  @Field(() => DateTimeResolver, { nullable: true, description: 'null: it does not expire.' })
  expiresAt!: Date | null;
}

@ObjectType({ description: 'The MCN agency an account is run by, as its profile shows it.' })
export class McnAgency implements professional.McnAgency {
  @Field(() => String)
  name!: string;

  @Field(() => String, {
    description: 'What the platform prints, e.g. "MCN机构：星河传媒" (or "MCN agency: 星河传媒").',
  })
  label!: string;
}
