// `identity-labels migrate`: applies the pending migrations, in turn with any server starting at the same time.
import type { Command } from 'commander';
import { runMigrationsInTurn } from '../db/data-source';
import type { CommandIo } from './command-io';

export function register(program: Command, io: CommandIo): void {
  program
    .command('migrate')
    .description('apply pending database migrations')
    .action(() =>
      io.withDatabase(
        async ({ dataSource }) => {
          const applied = await runMigrationsInTurn(dataSource);
          io.stdout.write(
            applied.length === 0 ? 'migrations: up to date\n' : `migrations: applied ${applied.join(', ')}\n`,
          );
        },
        // The one command that works on a schema behind the code: it is how the schema catches up.
        { requireMigrated: false },
      ),
    );
}
