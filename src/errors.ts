// Every error a caller can see is made here, with a code. Messages name the bad input, never a real name.
import { GraphQLError } from 'graphql';

export const ErrorCode = {
  BAD_REQUEST: 'BAD_REQUEST',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  IDENTITY_UNAVAILABLE: 'IDENTITY_UNAVAILABLE',
  IP_LOCATION_UNAVAILABLE: 'IP_LOCATION_UNAVAILABLE',
  PROFESSIONAL_LABELS_UNAVAILABLE: 'PROFESSIONAL_LABELS_UNAVAILABLE',
  EVENTS_UNAVAILABLE: 'EVENTS_UNAVAILABLE',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
} as const;

/** A malformed request (a header, not the query): answered 400 before anything is resolved. */
export function badRequest(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BAD_REQUEST, http: { status: 400 } } });
}

/** The request as a whole is refused (past a limit): a 400, and nothing runs. */
export function requestRefused(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, http: { status: 400 } } });
}

/** One item or argument is wrong; the rest of the response stands. */
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

/** The IP locations could not be read; the cause stays in the server log, not in the response. */
export function ipLocationUnavailable(cause: unknown): GraphQLError {
  return new GraphQLError('ip location data is unavailable, try again later', {
    extensions: { code: ErrorCode.IP_LOCATION_UNAVAILABLE },
    originalError: cause instanceof Error ? cause : undefined,
  });
}

/** The credentials or MCN agencies could not be read; the cause stays in the server log, not in the response. */
export function professionalLabelsUnavailable(cause: unknown): GraphQLError {
  return new GraphQLError('professional label data is unavailable, try again later', {
    extensions: { code: ErrorCode.PROFESSIONAL_LABELS_UNAVAILABLE },
    originalError: cause instanceof Error ? cause : undefined,
  });
}

export function isIdentityUnavailable(error: unknown): error is GraphQLError {
  return error instanceof GraphQLError && error.extensions.code === ErrorCode.IDENTITY_UNAVAILABLE;
}

/** The message of anything thrown, for a log line or a command's one-line error. */
export function errorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // MySQL quotes the data it refused ("Incorrect string value: '\xE7\x8E...'", "Duplicate entry 'u-1'"): a
  // plain-text name or an id would reach a log line or a command's output. The literal goes; the words stay.
  const code = errorCodeOf(error) ?? '';
  return /^ER_/.test(code) && !QUOTES_SCHEMA_ONLY.has(code) ? message.replace(/'(?:[^'\\]|\\.)*'/g, "'…'") : message;
}

/** MySQL errors whose quotes name the schema or the login, which the operator needs to read, never data. */
const QUOTES_SCHEMA_ONLY = new Set([
  'ER_BAD_DB_ERROR',
  'ER_ACCESS_DENIED_ERROR',
  'ER_DBACCESS_DENIED_ERROR',
  'ER_TABLEACCESS_DENIED_ERROR',
  'ER_NO_SUCH_TABLE',
  'ER_BAD_FIELD_ERROR',
]);

/** The code a driver or the runtime gave a failure (ER_LOCK_DEADLOCK, ECONNRESET...), for deciding what it means. */
export function errorCodeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** What a log line may say about a failure: the driver's message and code, never the data involved. */
export function errorForLog(error: unknown): { message: string; code?: string } {
  const code = errorCodeOf(error);
  return code === undefined ? { message: errorMessage(error) } : { message: errorMessage(error), code };
}

/**
 * The failures the command-line tool expects, each with the exit code it ends with: 2 when the configuration
 * or the arguments are wrong (fix them and run the same command again), 1 when the command ran and could not
 * do it. Anything else thrown is a bug, reported the same way with exit code 1.
 */
export const FAILURE_EXIT_CODES = {
  CONFIG_INVALID: 2,
  USAGE: 2,
  STAGE_INVALID: 2,
  POLICY_REJECTED: 1,
  IP_DATABASE_UNREADABLE: 1,
  COMMAND_FAILED: 1,
} as const;

export type FailureCode = keyof typeof FAILURE_EXIT_CODES;

/** A failure reported in one line (its message, which never carries a real name, an address or a key). */
export class ExpectedFailure extends Error {
  readonly exitCode: number;

  constructor(
    readonly code: FailureCode,
    message: string,
  ) {
    super(message);
    this.exitCode = FAILURE_EXIT_CODES[code];
  }
}
