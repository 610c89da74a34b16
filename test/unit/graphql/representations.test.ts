// Reading what the router sends to _entities: a good representation says whose label it needs; a bad one is
// an error for that item alone, naming what is wrong and where, never echoing more than the type name.
import type { GraphQLError } from 'graphql';
import { readRepresentation } from '../../../src/graphql/representations';

function errorOf(value: unknown, index = 3): GraphQLError {
  const read = readRepresentation(value, index);
  if (!(read instanceof Error)) throw new Error(`expected an error, read ${JSON.stringify(read)}`);
  expect(read.extensions.code).toBe('BAD_USER_INPUT');
  return read;
}

describe('a User representation', () => {
  it('needs the label of its id, and carries the nickname along unchecked', () => {
    expect(readRepresentation({ __typename: 'User', id: 'u-1', nickname: 'weiwei' }, 0)).toEqual({
      __typename: 'User',
      id: 'u-1',
      userId: 'u-1',
      nickname: 'weiwei',
    });
    expect(readRepresentation({ __typename: 'User', id: 'u-1' }, 0)).toMatchObject({ nickname: undefined });
  });

  it.each([
    [42, 'User representation "id" must be a string, got number'],
    ['', 'User representation "id" must be 1-64 characters, got 0'],
    [' u-1', 'User representation "id" must not start or end with white space'],
    ['a\u0000b', 'User representation "id" must be well-formed Unicode text without control characters'],
  ])('with the id %j is refused: %s', (id, message) => {
    expect(errorOf({ __typename: 'User', id }).message).toBe(message);
  });
});

describe('a Post representation', () => {
  it("needs the label of its author's id", () => {
    expect(readRepresentation({ __typename: 'Post', id: 'p-1', author: { id: 'u-1', nickname: 'n' } }, 0)).toEqual({
      __typename: 'Post',
      id: 'p-1',
      userId: 'u-1',
      authorNickname: 'n',
    });
  });

  it('without its author needs no label: its fields say what is missing', () => {
    expect(readRepresentation({ __typename: 'Post', id: 'p-1' }, 0)).toEqual({
      __typename: 'Post',
      id: 'p-1',
      userId: null,
      authorNickname: undefined,
    });
  });

  it('with a bad author id is refused, naming the post', () => {
    expect(errorOf({ __typename: 'Post', id: 'p-1', author: { id: null } }).message).toBe(
      'Post p-1 representation "author.id" must be a string, got null',
    );
  });

  it('without an id is refused', () => {
    expect(errorOf({ __typename: 'Post', author: { id: 'u-1' } }).message).toBe(
      'Post representation "id" must be a non-empty string',
    );
  });
});

describe('anything else', () => {
  it.each([
    ['a string', 'User', 'representation 3 must be an object'],
    ['null', null, 'representation 3 must be an object'],
    ['an array', [{ __typename: 'User', id: 'u' }], 'representation 3 must be an object'],
    ['no __typename', { id: 'u-1' }, 'representation 3 has no __typename'],
  ])('%s is refused by its position', (_case, value, message) => {
    expect(errorOf(value).message).toBe(message);
  });

  it('a type this subgraph does not own is refused by name, cut to 64 characters', () => {
    expect(errorOf({ __typename: 'Comment', id: 'c' }).message).toBe(
      'representation 3 has __typename "Comment", which is not an entity of this subgraph',
    );
    expect(errorOf({ __typename: 'x'.repeat(500), id: 'c' }).message).toContain(`"${'x'.repeat(64)}"`);
  });

  it('an inherited property name is not a type', () => {
    expect(errorOf({ __typename: 'constructor', id: 'c' }).message).toMatch(/not an entity of this subgraph/);
    expect(errorOf({ __typename: '__proto__', id: 'c' }).message).toMatch(/not an entity of this subgraph/);
  });
});
