// `identity-labels accounts ...`: a person's data, whole. `erase` forgets accounts (PIPL Art. 47), `export`
// prints what is held about one (Art. 45, for requests that arrive in writing), `tombstones` and
// `replay-erasures` carry the erasures over to a database restored from an older backup.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { Config } from '../config';
import type { PseudonymKey } from '../crypto/pseudonym-key';
import { tombstones } from '../db/erasures';
import { loadPolicyStages } from '../db/policy-stages';
import { eraseAccounts, type ErasureCounts, type ErasureOptions } from '../erasure/erase-accounts';
import { replayErasures } from '../erasure/replay-erasures';
import { readOwnerData } from '../owner-data/read-owner-data';
import { RealNames } from '../real-names/real-names';
import { userIdProblem } from '../user-id';
import type { CommandIo } from './command-io';
import { CommandError, tellServers, type CommandDatabase } from './database';
import { batchSize, whole } from './options';
import { parseTombstoneLines } from './tombstone-lines';

function requirePseudonymKey(config: Config): PseudonymKey {
  if (config.pseudonymKey === undefined) {
    throw new CommandError(
      'PSEUDONYM_KEY is not set: an erased account is remembered under it (see `keys generate-pseudonym-key`)',
      'CONFIG_INVALID',
    );
  }
  return config.pseudonymKey;
}

/** The ids named on the command line and in the file (one per line), each checked before anything is erased. */
async function idsToErase(ids: string[], file: string | undefined, io: CommandIo): Promise<string[]> {
  const fromFile = file === undefined ? [] : (await readIdFile(file, io)).split('\n').map((line) => line.trim());
  const all = [...ids, ...fromFile.filter((line) => line !== '')];
  if (all.length === 0)
    throw new CommandError('name the accounts to erase: ids, or --file with one id a line', 'USAGE');
  for (const [index, id] of all.entries()) {
    const problem = userIdProblem(id);
    if (problem !== undefined) throw new CommandError(`account id ${index + 1}: ${problem}`, 'USAGE');
  }
  return all;
}

async function readIdFile(file: string, io: CommandIo): Promise<string> {
  if (file !== '-') {
    return readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new CommandError(`cannot read ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
    });
  }
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function erasureOptions(database: CommandDatabase, cause: string, batchSize: number): Promise<ErasureOptions> {
  const { dataSource, config, changes } = database;
  return {
    pseudonymKey: requirePseudonymKey(config),
    stages: await loadPolicyStages(dataSource),
    rules: { hysteresisRatio: config.hysteresisRatio },
    now: new Date(),
    cause,
    batchSize,
    onCommitted: tellServers(changes),
  };
}

function describeErasure(counts: ErasureCounts): string {
  return (
    `accounts erase: ${whole(counts.erased)} erased, ${whole(counts['already-erased'])} already erased, ` +
    `${whole(counts.unknown)} unknown (nothing held; remembered as erased)`
  );
}

function registerErase(accounts: Command, io: CommandIo): void {
  accounts
    .command('erase')
    .description('forget accounts: their names, facts, notices and IP locations; their audit entries keep no id')
    .argument('[userIds...]', 'the accounts to erase')
    .option('--file <file>', 'more ids, one a line ("-" for standard input)')
    .option('--batch-size <n>', 'accounts per transaction', batchSize(), 500)
    .addHelpText(
      'after',
      '\nEach account is erased whole or not at all, a batch per transaction; running it again changes nothing.\n' +
        'An id never held here is reported as unknown and remembered, so that no later import brings it in.\n' +
        'The running servers forget the accounts at once (REDIS_URL).\n\n' +
        'Example:\n  identity-labels accounts erase u-1001 u-1002\n  identity-labels accounts erase --file closed-accounts.txt',
    )
    .action((userIds: string[], options: { file?: string; batchSize: number }) =>
      io.withDatabase(async (database) => {
        const ids = await idsToErase(userIds, options.file, io);
        const erasure = await erasureOptions(database, 'command accounts erase', options.batchSize);
        const counts = await eraseAccounts(database.dataSource, ids, {
          ...erasure,
          onOutcome: (userId, outcome) => {
            if (outcome === 'unknown') io.stderr.write(`${userId}: unknown (nothing held)\n`);
          },
        });
        io.stdout.write(`${describeErasure(counts)}\n`);
      }),
    );
}

function registerExport(accounts: Command, io: CommandIo): void {
  accounts
    .command('export')
    .description("print, as JSON, everything held about one account (its owner's copy, as myIdentityData)")
    .argument('<userId>')
    .action((userId: string) =>
      io.withDatabase(async ({ dataSource, config }) => {
        const problem = userIdProblem(userId);
        if (problem !== undefined) throw new CommandError(`the account id ${problem}`, 'USAGE');
        const data = await readOwnerData(dataSource, userId, {
          stages: await loadPolicyStages(dataSource),
          now: new Date(),
          settings: { hysteresisRatio: config.hysteresisRatio, realNameViewers: config.realNameViewers },
          openRealName: new RealNames(config.realNameKeys).open,
          language: config.ipLocation.language,
          professionalLanguage: config.professional.language,
          maxLocations: Number.MAX_SAFE_INTEGER,
        });
        io.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
      }),
    );
}

function registerTombstones(accounts: Command, io: CommandIo): void {
  accounts
    .command('tombstones')
    .description('print every erasure as NDJSON {pseudonym, erasedAt}: no id, for replay-erasures elsewhere')
    .action(() =>
      io.withDatabase(async ({ dataSource }) => {
        for (const tombstone of await tombstones(dataSource)) {
          io.stdout.write(`${JSON.stringify({ pseudonym: tombstone.pseudonym, erasedAt: tombstone.erasedAt })}\n`);
        }
      }),
    );
  accounts
    .command('replay-erasures')
    .description('erase again, in a database restored from a backup, the accounts erased since (from `tombstones`)')
    .argument('<file>', 'the live database\'s `accounts tombstones` output ("-" for standard input)')
    .option('--batch-size <n>', 'accounts per transaction', batchSize(), 500)
    .addHelpText(
      'after',
      "\nRun against the restored database (DATABASE_URL), with the live one's PSEUDONYM_KEY:\n" +
        '  identity-labels accounts tombstones > tombstones.ndjson          # on the live database\n' +
        '  identity-labels accounts replay-erasures tombstones.ndjson       # on the restored one',
    )
    .action((file: string, options: { batchSize: number }) =>
      io.withDatabase(async (database) => {
        const written = parseTombstoneLines(await readIdFile(file, io), file);
        const erasure = await erasureOptions(database, 'command accounts replay-erasures', options.batchSize);
        const result = await replayErasures(database.dataSource, written, erasure);
        io.stdout.write(
          `accounts replay-erasures: ${whole(result.tombstones)} tombstones, ${whole(result.erased)} accounts erased again\n`,
        );
      }),
    );
}

export function register(program: Command, io: CommandIo): void {
  const accounts = program
    .command('accounts')
    .description("a person's data: erase accounts, export what is held about one, carry erasures over to a restore");
  registerErase(accounts, io);
  registerExport(accounts, io);
  registerTombstones(accounts, io);
}
