// What a text a feed will show may be (a real name, a category, a credential's title, an agency's name).
// Shared by the account import and the professional records, so that no text is stored that a feed could
// not print as it stands. A problem is said in words, never by quoting the text.

// C0 and C1 controls, U+FFFD (text that was already damaged before it got here), and the bidirectional
// embeddings, overrides and isolates, which would reorder what a feed shows around the text.
// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
const FORBIDDEN_IN_TEXT = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufffd]/;

/** What is wrong with a shown text (well-formed, printable, not blank, at most `maxLength`), or undefined. */
export function shownTextProblem(value: string, maxLength: number): string | undefined {
  if (!value.isWellFormed()) return 'is not well-formed Unicode text';
  if (FORBIDDEN_IN_TEXT.test(value)) return 'contains a control, replacement or bidirectional formatting character';
  if (value.trim() === '') return 'is empty';
  if (value.length > maxLength) return `is longer than ${maxLength} characters`;
  return undefined;
}
