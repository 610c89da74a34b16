// The commands work on the service's MySQL database, configured as the server is (DATABASE_URL), and tell the
// running servers what they changed through the change feed (REDIS_URL).
import pino, { type Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { ChangeFeed } from '../changes/change-feed';
import { loadConfig, type Config } from '../config';
import { openDatabase } from '../db/data-source';
import { ExpectedFailure } from '../errors';

/** A command cannot go on: its arguments or settings are wrong (exit code 2), or it failed (exit code 1). */
export class CommandError extends ExpectedFailure {
  override name = 'CommandError';
  constructor(message: string, code: 'COMMAND_FAILED' | 'USAGE' | 'CONFIG_INVALID' = 'COMMAND_FAILED') {
    super(code, message);
  }
}

const LEVEL_NAMES: Record<number, string> = { 40: 'warning', 50: 'error', 60: 'fatal' };

/**
 * Warnings and errors of what runs under a command, on stderr (stdout is the command's own output), as lines
 * a person reads: `identity-labels: warning: what happened (its cause)`, never a JSON record.
 */
export function commandLog(stderr: NodeJS.WritableStream = process.stderr): Logger {
  const humanLines = {
    write(line: string) {
      const entry = JSON.parse(line) as { level: number; msg?: string; err?: { message?: string } };
      // A warning says what happened in its own words; only an error adds its cause (a library's own words).
      const cause = entry.level < 50 || entry.err?.message === undefined ? '' : ` (${entry.err.message})`;
      stderr.write(`identity-labels: ${LEVEL_NAMES[entry.level] ?? 'warning'}: ${entry.msg ?? ''}${cause}\n`);
    },
  };
  return pino({ level: 'warn', base: undefined, timestamp: false }, humanLines);
}

/** Opens MySQL; `requireMigrated` refuses to work on a schema that is behind the code. */
export async function openCommandDatabase(config: Config, requireMigrated = true): Promise<DataSource> {
  if (config.databaseUrl === undefined) {
    throw new CommandError(
      'DATABASE_URL is not set. The embedded demo database lives inside the server process and is gone when ' +
        'it stops, so commands work on MySQL only: set DATABASE_URL=mysql://user:password@host:3306/database',
      'CONFIG_INVALID',
    );
  }
  const log = commandLog();
  // Commands may run long (a large import, a migration): no per-query timeout.
  const dataSource = await openDatabase({ ...config, dbQueryTimeoutMs: undefined }, log);
  if (requireMigrated && (await dataSource.showMigrations())) {
    await dataSource.destroy();
    throw new CommandError('the database schema is behind this version: run `identity-labels migrate` first');
  }
  return dataSource;
}

/** The database a command works on, the configuration it was opened with, and the feed to the servers. */
export interface CommandDatabase {
  dataSource: DataSource;
  config: Config;
  changes: ChangeFeed;
}

/**
 * Runs one command on the database and closes it, whatever happens. What it changes, it tells the running
 * servers through `changes`, which waits for those messages to go out before the command exits.
 */
export async function withDatabase<T>(
  run: (database: CommandDatabase) => Promise<T>,
  options: { requireMigrated: boolean } = { requireMigrated: true },
): Promise<T> {
  const config = loadConfig(process.env, 'command');
  const dataSource = await openCommandDatabase(config, options.requireMigrated);
  const changes = new ChangeFeed({ url: config.redisUrl, channel: config.redisChannel, log: commandLog() });
  try {
    return await run({ dataSource, config, changes });
  } finally {
    await changes.close();
    await dataSource.destroy();
  }
}

/** A committed change to these accounts, told to the running servers. */
export function tellServers(changes: ChangeFeed) {
  return (userIds: readonly string[]) => void changes.announce({ userIds });
}
