// User and Post as _entities items: their fields read the label decided for this viewer, fall back to the
// nickname without account data, and name what is missing when the router did not honour @requires.
import { GraphQLError } from 'graphql';
import { identityUnavailable } from '../../../src/errors';
import { Attribution, type LoadedLabel } from '../../../src/graphql/types/attribution';
import { Post } from '../../../src/graphql/types/post';
import { User } from '../../../src/graphql/types/user';
import { decideIdentityLabel } from '../../../src/policy/label';
import { anAccount, aStage } from '../../support/factories';
import { plainRealNames } from '../../support/real-names';

const FORMAT = '{nickname} ({realName})';
const label = decideIdentityLabel(
  anAccount({ userId: 'u-1', realName: 'Zhang Wei', followerCount: 2_000_000, consent: 'YES' }),
  [aStage()],
  new Date('2026-11-25T00:00:00Z'),
  { id: 'viewer', verified: true },
  { hysteresisRatio: 0.9, realNameViewers: 'verified' },
  plainRealNames.open,
);
const unavailable = identityUnavailable(new Error('lost connection'));

const user = (nickname: unknown, loaded: LoadedLabel = label) =>
  new User('u-1', nickname, new Attribution(nickname, loaded, FORMAT, 'User', 'u-1'));

/** A field that cannot be answered has its error as its value (the executors report it at that field). */
function errorOf(value: unknown): GraphQLError {
  expect(value).toBeInstanceOf(GraphQLError);
  return value as GraphQLError;
}

it('a User with its label shows the disclosed name', () => {
  const entity = user('weiwei');
  expect([entity.__typename, entity.id, entity.displayName, entity.verifiedRealName]).toEqual([
    'User',
    'u-1',
    'weiwei (Zhang Wei)',
    'Zhang Wei',
  ]);
  expect(entity.identityLabel).toBe(label);
});

it('without account data, displayName falls back to the nickname; the name fields are IDENTITY_UNAVAILABLE', () => {
  const entity = user('weiwei', unavailable);
  expect(entity.displayName).toBe('weiwei');
  expect(entity.verifiedRealName).toBe(unavailable);
  expect(entity.identityLabel).toBe(unavailable);
});

it('without its @requires nickname, only displayName is an error, naming the representation', () => {
  const entity = user(undefined);
  expect(errorOf(entity.displayName).message).toBe(
    'User u-1 representation has no nickname: it is required by @requires',
  );
  expect(entity.verifiedRealName).toBe('Zhang Wei');
});

it("a Post renders its author's attribution", () => {
  const post = new Post('p-1', new Attribution('weiwei', label, FORMAT, 'Post', 'p-1'));
  expect([post.__typename, post.displayName, post.verifiedRealName]).toEqual([
    'Post',
    'weiwei (Zhang Wei)',
    'Zhang Wei',
  ]);
});

it("a Post whose author has no nickname: displayName is an error naming the post's author", () => {
  const post = new Post('p-1', new Attribution(undefined, label, FORMAT, 'Post', 'p-1'));
  expect(errorOf(post.displayName).message).toBe(
    'Post p-1 representation "author" has no nickname: it is required by @requires',
  );
});

it('a Post without its @requires author has an error for each field, naming the post', () => {
  const post = new Post('p-1', null);
  const message = 'Post p-1 representation has no author { id }: it is required by @requires';
  expect(errorOf(post.displayName).message).toBe(message);
  expect(errorOf(post.verifiedRealName).message).toBe(message);
});
