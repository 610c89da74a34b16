// For the tests of a command that reads files: a test database migrated by the command itself, a
// connection to look at what it stored, and a folder of input files; all gone after the file's tests.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { runCli } from './cli';
import { connectTo, useTestDatabase } from './database';
import { startedForTheFile } from './teardown';

export interface CommandDatabase {
  /** The command's environment: DATABASE_URL and whatever the test file added. */
  env: Record<string, string>;
  dataSource: DataSource;
  folder: string;
  /** Writes `content` to a file of that name in the folder; returns its path. */
  file(name: string, content: string | Uint8Array): string;
}

export function useCommandDatabase(extraEnv: Record<string, string> = {}): CommandDatabase {
  const database = useTestDatabase();
  return startedForTheFile(
    async () => {
      const env = { DATABASE_URL: database.url, ...extraEnv };
      const folder = mkdtempSync(join(tmpdir(), 'identity-command-'));
      expect((await runCli(['migrate'], env)).code).toBe(0);
      const dataSource = await connectTo(database, 2);
      const file = (name: string, content: string | Uint8Array) => {
        const path = join(folder, name);
        writeFileSync(path, content);
        return path;
      };
      return { env, dataSource, folder, file };
    },
    async ({ dataSource, folder }) => {
      await dataSource.destroy();
      rmSync(folder, { recursive: true, force: true });
    },
  );
}
