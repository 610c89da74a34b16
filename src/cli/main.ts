#!/usr/bin/env node
// `identity-labels`: the command-line tool for getting identity data in and keeping it true. This file only
// assembles it: each command group is a module of its own, registered in the order the help lists them.
import 'reflect-metadata';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command } from 'commander';
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

const COMMAND_GROUPS = [migrate, importAccounts, ipLocations, policy, notify, keys, accounts, purge, audit, events];

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
    .showHelpAfterError();
  for (const group of COMMAND_GROUPS) group.register(program, io);
  return program;
}

/** Runs the command; a failure is one line on stderr, and its exit code (1 for anything unexpected). */
export async function main(argv: string[], io: CommandIo = processIo()): Promise<void> {
  try {
    await buildProgram(io).parseAsync(argv);
  } catch (error) {
    io.stderr.write(`identity-labels: ${errorMessage(error)}\n`);
    io.setExitCode(error instanceof ExpectedFailure ? error.exitCode : 1);
  }
}

if (require.main === module) void main(process.argv);
