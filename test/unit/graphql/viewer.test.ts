// The viewer, read from the headers the router forwards: never guessed, never upgraded, a bad header a 400.
import type { GraphQLError } from 'graphql';
import { viewerFromHeaders } from '../../../src/graphql/viewer';

/** Header lines as Node's `rawHeaders` holds them: [name, value, name, value...], repeats kept apart. */
function raw(...lines: [string, string][]): string[] {
  return lines.flat();
}

function badRequestMessage(rawHeaders: string[]): string {
  try {
    viewerFromHeaders(rawHeaders);
  } catch (error) {
    const { extensions, message } = error as GraphQLError;
    expect(extensions).toMatchObject({ code: 'BAD_REQUEST', http: { status: 400 } });
    return message;
  }
  throw new Error('expected a 400');
}

it('no headers: an anonymous viewer', () => {
  expect(viewerFromHeaders(raw(['Host', 'x']))).toEqual({ id: null, verified: false });
});

it('a signed-in viewer, verified or not; header names in any case', () => {
  expect(viewerFromHeaders(raw(['x-viewer-id', 'u-1']))).toEqual({ id: 'u-1', verified: false });
  expect(viewerFromHeaders(raw(['X-Viewer-Id', 'u-1'], ['x-viewer-verified', 'true']))).toEqual({
    id: 'u-1',
    verified: true,
  });
  expect(viewerFromHeaders(raw(['x-viewer-id', 'u-1'], ['X-VIEWER-VERIFIED', 'false']))).toEqual({
    id: 'u-1',
    verified: false,
  });
});

it('a verified flag without a signed-in viewer means nothing', () => {
  expect(viewerFromHeaders(raw(['x-viewer-verified', 'true']))).toEqual({ id: null, verified: false });
  expect(viewerFromHeaders(raw(['x-viewer-id', '  '], ['x-viewer-verified', 'true']))).toEqual({
    id: null,
    verified: false,
  });
});

it.each(['yes', 'TRUE', 'True', ' true', 'true ', '1', ''])(
  'a verified flag other than exactly true or false (%j) is refused, naming the header',
  (value) => {
    expect(badRequestMessage(raw(['x-viewer-id', 'u-1'], ['x-viewer-verified', value]))).toBe(
      'header x-viewer-verified must be exactly "true" or "false"',
    );
  },
);

it('an id longer than a user id can be is refused, with its length and not its value', () => {
  const message = badRequestMessage(raw(['x-viewer-id', 'x'.repeat(65)]));
  expect(message).toBe('header x-viewer-id must be at most 64 characters, got 65');
});

it.each([
  ['x-viewer-id', raw(['x-viewer-id', 'v-1'], ['X-Viewer-Id', 's-refused'])],
  ['x-viewer-id', raw(['x-viewer-id', 'v-1'], ['x-viewer-id', 'v-1'])],
  ['x-viewer-verified', raw(['x-viewer-id', 'v-1'], ['x-viewer-verified', 'true'], ['x-viewer-verified', 'true'])],
])('%s sent twice is refused, whatever the values, and never joined into one id', (header, rawHeaders) => {
  expect(badRequestMessage(rawHeaders)).toBe(`header ${header} must be sent once`);
});
