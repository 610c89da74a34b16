// The viewer, read from the headers the router forwards: never guessed, never upgraded, a bad header a 400.
import type { GraphQLError } from 'graphql';
import { viewerFromHeaders } from '../../../src/graphql/viewer';

function badRequestMessage(headers: Record<string, string | string[]>): string {
  try {
    viewerFromHeaders(headers);
  } catch (error) {
    const { extensions, message } = error as GraphQLError;
    expect(extensions).toMatchObject({ code: 'BAD_REQUEST', http: { status: 400 } });
    return message;
  }
  throw new Error('expected a 400');
}

it('no headers: an anonymous viewer', () => {
  expect(viewerFromHeaders({})).toEqual({ id: null, verified: false });
});

it('a signed-in viewer, verified or not', () => {
  expect(viewerFromHeaders({ 'x-viewer-id': 'u-1' })).toEqual({ id: 'u-1', verified: false });
  expect(viewerFromHeaders({ 'x-viewer-id': 'u-1', 'x-viewer-verified': 'true' })).toEqual({
    id: 'u-1',
    verified: true,
  });
  expect(viewerFromHeaders({ 'x-viewer-id': 'u-1', 'x-viewer-verified': 'false' })).toEqual({
    id: 'u-1',
    verified: false,
  });
});

it('a verified flag without a signed-in viewer means nothing', () => {
  expect(viewerFromHeaders({ 'x-viewer-verified': 'true' })).toEqual({ id: null, verified: false });
  expect(viewerFromHeaders({ 'x-viewer-id': '  ', 'x-viewer-verified': 'true' })).toEqual({
    id: null,
    verified: false,
  });
});

it('a verified flag that is neither true nor false is refused, naming the header', () => {
  expect(badRequestMessage({ 'x-viewer-id': 'u-1', 'x-viewer-verified': 'yes' })).toBe(
    'header x-viewer-verified must be "true" or "false"',
  );
});

it('an id longer than a user id can be is refused, with its length and not its value', () => {
  const message = badRequestMessage({ 'x-viewer-id': 'x'.repeat(65) });
  expect(message).toBe('header x-viewer-id must be at most 64 characters, got 65');
});

it('a header given as several values is refused', () => {
  expect(badRequestMessage({ 'x-viewer-verified': ['true', 'false'] })).toMatch(/must be sent once, got 2 values/);
});
