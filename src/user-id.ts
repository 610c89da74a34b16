// What a platform user id may be. Shared by the read path and the import, so that no id is stored that
// could not be read back exactly.

export const MAX_USER_ID_LENGTH = 64;

/** What is wrong with a user id, or undefined when it is fine. */
export function userIdProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return `must be a string, got ${value === null ? 'null' : typeof value}`;
  if (value.length === 0 || value.length > MAX_USER_ID_LENGTH) {
    return `must be 1-${MAX_USER_ID_LENGTH} characters, got ${value.length}`;
  }
  // A lone surrogate cannot be encoded for MySQL and would fail the whole batch's query, not just this id.
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
  if (!value.isWellFormed() || /[\u0000-\u001f\u007f]/.test(value)) {
    return 'must be well-formed Unicode text without control characters';
  }
  // MySQL compares "u-1 " equal to "u-1" (PAD SPACE): such an id would read or overwrite another account.
  if (value.trim() !== value) return 'must not start or end with white space';
  return undefined;
}
