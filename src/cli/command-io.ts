// What a command needs from the process it runs in: its input and output, its exit code, Ctrl-C, and the
// database. Commands take it as an argument instead of reaching for `process`, so that each says what it uses.
import type { Readable } from 'node:stream';
import { withDatabase } from './database';

export interface CommandIo {
  readonly stdin: Readable;
  /** The command's own output, what a script reads. */
  readonly stdout: NodeJS.WritableStream;
  /** Errors, bad records and progress (a bar when it is a terminal). */
  readonly stderr: NodeJS.WriteStream;
  /** The exit code the process ends with, unless a later failure sets another. */
  setExitCode(code: number): void;
  /** Calls `listener` on Ctrl-C (SIGINT) once, until the function it returns is called. */
  onInterrupt(listener: () => void): () => void;
  /** Calls `listener` once on SIGTERM (a deployment stopping a long-running command), until released. */
  onTerminate(listener: () => void): () => void;
  withDatabase: typeof withDatabase;
}

/** The running process, as the command-line tool sees it. */
export function processIo(): CommandIo {
  return {
    // Read only when asked for: opening standard input is for the commands that take it.
    get stdin() {
      return process.stdin;
    },
    stdout: process.stdout,
    stderr: process.stderr,
    setExitCode(code) {
      process.exitCode = code;
    },
    onInterrupt(listener) {
      process.once('SIGINT', listener);
      return () => process.off('SIGINT', listener);
    },
    onTerminate(listener) {
      process.once('SIGTERM', listener);
      return () => process.off('SIGTERM', listener);
    },
    withDatabase,
  };
}
