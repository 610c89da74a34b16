// Every error a caller can see is made here, with a code. Messages name the bad input, never a real name.
import { GraphQLError } from 'graphql';

export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  IDENTITY_UNAVAILABLE: 'IDENTITY_UNAVAILABLE',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
} as const;

export const MAX_USER_ID_LENGTH = 64;

export function badUserInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT } });
}

export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.UNAUTHENTICATED } });
}

export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.FORBIDDEN } });
}

/** The account data could not be read; the cause stays in the server log, not in the response. */
export function identityUnavailable(cause: unknown): GraphQLError {
  return new GraphQLError('identity data is unavailable, try again later', {
    extensions: { code: ErrorCode.IDENTITY_UNAVAILABLE },
    originalError: cause instanceof Error ? cause : undefined,
  });
}

export function isIdentityUnavailable(error: unknown): error is GraphQLError {
  return error instanceof GraphQLError && error.extensions.code === ErrorCode.IDENTITY_UNAVAILABLE;
}

/**
 * What is wrong with a user id, or undefined when it is fine. Shared by the read path and the import, so
 * that no id is stored that could not be read back exactly.
 */
export function userIdProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return `must be a string, got ${value === null ? 'null' : typeof value}`;
  if (value.length === 0 || value.length > MAX_USER_ID_LENGTH) {
    return `must be 1-${MAX_USER_ID_LENGTH} characters, got ${value.length}`;
  }
  // A lone surrogate cannot be encoded for MySQL and would fail the whole batch's query, not just this id.
  if (!value.isWellFormed() || /[\u0000-\u001f\u007f]/.test(value)) {
    return 'must be well-formed Unicode text without control characters';
  }
  // MySQL compares "u-1 " equal to "u-1" (PAD SPACE): such an id would read or overwrite another account.
  if (value.trim() !== value) return 'must not start or end with white space';
  return undefined;
}

/** Checks a user id taken from a representation; `where` says which field it came from. */
export function requireUserId(value: unknown, where: string): string {
  const problem = userIdProblem(value);
  if (problem !== undefined) throw badUserInput(`${where} ${problem}`);
  return value as string;
}
