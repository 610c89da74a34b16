#!/usr/bin/env node
// `identity-labels`: the command-line tool for getting identity data in and keeping it true. This file only
// assembles it: each command group is a module of its own, registered in the order the help lists them.
import 'reflect-metadata';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { errorMessage, ExpectedFailure } from '../errors';
import * as accounts from './accounts-command';
import * as audit from './audit-command';
import { processIo, type CommandIo } from './command-io';
import * as events from './events-command';
import * as importAccounts from './import-command';
import * as ipLocations from './ip-locations-command';
import * as keys from './keys-command';
import * as migrate from './migrate-command';
import * as notify from './notify-command';
import * as policy from './policy-command';
import * as purge from './purge-command';
import { printable } from './options';
import * as qualifications from './qualifications-command';

const COMMAND_GROUPS = [
  migrate,
  importAccounts,
  ipLocations,
  qualifications,
  policy,
  notify,
  keys,
  accounts,
  purge,
  audit,
  events,
];

/** The version in the nearest package.json above this file (it runs from src/cli/ and dist/src/cli/). */
function packageVersion(): string {
  let directory = __dirname;
  while (!existsSync(join(directory, 'package.json'))) {
    const parent = dirname(directory);
    if (parent === directory) return 'unknown';
    directory = parent;
  }
  return (JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as { version: string }).version;
}

export function buildProgram(io: CommandIo = processIo()): Command {
  const program = new Command('identity-labels')
    .description('Manage the identity-labels database: accounts, policy stages, notices and the audit log.')
    .addHelpText('after', '\nConfiguration comes from the environment, as for the server (DATABASE_URL=mysql://...).')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'print this help')
    // A wrong argument is one line and a hint (below), not a page of help; every subcommand inherits this.
    .exitOverride()
    .configureOutput({ outputError: () => undefined });
  for (const group of COMMAND_GROUPS) group.register(program, io);
  return program;
}

/** The words of the command that was run ("policy add"), as far as they name commands. */
function commandPath(program: Command, argv: string[]): string[] {
  const path: string[] = [];
  let command = program;
  for (const word of argv.slice(2)) {
    const next = command.commands.find((candidate) => candidate.name() === word);
    if (next === undefined) break;
    path.push(word);
    command = next;
  }
  return path;
}

/** A wrong argument or option: one line, what to read, exit code 2. Help and --version exit 0. */
function usageError(program: Command, argv: string[], error: CommanderError, io: CommandIo): void {
  if (error.exitCode === 0) return;
  const message = error.message.replace(/^error: /, '');
  const help = ['identity-labels', ...commandPath(program, argv), '--help'].join(' ');
  io.stderr.write(`identity-labels: ${message}\n(\`${help}\` shows the usage)\n`);
  io.setExitCode(2);
}

/** Runs the command; a failure is one line on stderr, and its exit code (1 for anything unexpected). */
export async function main(argv: string[], io: CommandIo = processIo()): Promise<void> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) return usageError(program, argv, error, io);
    io.stderr.write(`identity-labels: ${printable(errorMessage(error), true)}\n`);
    io.setExitCode(error instanceof ExpectedFailure ? error.exitCode : 1);
  }
}

if (require.main === module) void main(process.argv);
