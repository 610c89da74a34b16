import { DateTimeResolver } from 'graphql-scalars';
import { Field, ObjectType } from 'type-graphql';
import type * as ipLocation from '../../ip-location/label';

/** Served as the loader builds it (src/ip-location/label.ts): plain data, read by the default resolvers. */
@ObjectType({
  description:
    'A location ("IP属地") decided from the IP address a post was made from, at posting time: a post\'s, or an ' +
    "account's most recent. The address itself is never stored.",
})
export class IpLocation implements ipLocation.IpLocation {
  @Field(() => String, {
    description:
      'What the platform prints, e.g. "广东", "中国香港", "美国" (or "Guangdong", "Hong Kong, China", "United States").',
  })
  label!: string;

  @Field(() => String, {
    nullable: true,
    description: 'ISO 3166-1 alpha-2, or null when unknown (private or unrouted address).',
  })
  countryCode!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'ISO 3166-2 subdivision for mainland China (e.g. CN-GD), or null.',
  })
  regionCode!: string | null;

  @Field(() => DateTimeResolver)
  recordedAt!: Date;
}
