// The guard that keeps buildIdentitySchema from dropping a field only a resolver can answer.
import 'reflect-metadata';
import { buildSchema, Field, FieldResolver, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { droppedFieldResolvers, fieldsNeedingResolvers } from '../../../src/graphql/resolver-coverage';
import { buildIdentitySchema } from '../../../src/graphql/schema';

@ObjectType()
class Profile {
  @Field(() => String)
  id = 'p-1';

  @Field(() => String)
  get shout(): string {
    return this.id.toUpperCase();
  }

  @Field(() => String)
  greeting(): string {
    return `hello ${this.id}`;
  }
}

@Resolver(() => Profile)
class ProfileResolver {
  @Query(() => Profile)
  profile(): Profile {
    return new Profile();
  }

  @FieldResolver(() => String)
  badge(@Root() profile: Profile): string {
    return `badge of ${profile.id}`;
  }
}

it('finds the fields that need a resolver: @FieldResolver fields and methods, not getters or data', async () => {
  const schema = await buildSchema({ resolvers: [ProfileResolver], validate: false });
  expect(fieldsNeedingResolvers(schema, [ProfileResolver]).sort()).toEqual(['Profile.badge', 'Profile.greeting']);
});

it('names each such field a resolver map leaves out', () => {
  const needed = ['Profile.badge', 'Profile.greeting'] as const;
  expect(droppedFieldResolvers(needed, { Profile: { greeting: () => 'x' } })).toEqual(['Profile.badge']);
  expect(droppedFieldResolvers(needed, {})).toEqual(['Profile.badge', 'Profile.greeting']);
  expect(droppedFieldResolvers(needed, { Profile: { badge: () => 'x', greeting: () => 'x' } })).toEqual([]);
});

it("the service's own schema drops none (User.ipLocation and Post.ipLocation are methods, and wired)", async () => {
  await expect(buildIdentitySchema()).resolves.toBeDefined();
});
