// What the command prints of text it was given or read back: never a control character a terminal obeys.
import { printable } from '../../../src/cli/options';

it('shows control characters as escapes: an escape sequence cannot clear or rewrite the terminal', () => {
  expect(printable('stage\u001b[2J')).toBe('stage\\u001b[2J');
  expect(printable('a\u0000b\u007fc\u009bd')).toBe('a\\u0000b\\u007fc\\u009bd');
  expect(printable('two\nlines')).toBe('two\\u000alines');
});

it('keeps line breaks in a multi-line message when asked, and leaves other text alone', () => {
  expect(printable('first\nsecond\u001b', true)).toBe('first\nsecond\\u001b');
  expect(printable('执业医师 «ok»')).toBe('执业医师 «ok»');
});
