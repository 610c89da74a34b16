// The shell blocks of README.md and docs/ as a test runs them: every ```sh block is marked, on the lines just
// above it, by an HTML comment that says whether it runs and how (test/integration/docs/ runs them,
// test/unit/docs/ checks that none is unmarked):
//
//   <!-- docs-test: run SESSION -->   run: the blocks of one page marked with the same SESSION run in order, in one
//                                     bash, each command as written (test/support/doc-session.ts says what differs)
//   <!-- docs-test: skip REASON -->   not run, and why (no Docker engine here, a deployment's host names...)
//   <!-- docs-test: output -->        before a ```json block: what the last command of the run block above prints
//
// In a run block, the lines under a command that start with `#` and three spaces are what it prints; other `#`
// lines are comments. What is shown is compared with what is printed:
//   - line by line, each line exactly (trailing spaces aside), but `…`, which stands for any text in its line;
//     a line that is only `…` stands for any number of lines;
//   - as JSON when what is shown is JSON (it may then be wrapped over several lines): `"…"` stands for any value;
//   - `$NAME` or `${NAME}` (capitals) is the value of that shell variable when the command has run;
//   - a line ending in a note after two spaces or more, `(stderr)`, `(exit code N)` or `(stderr; exit code N)`,
//     is printed on standard error; the command exits N. Otherwise it is on standard output, and it exits 0.
// A command shown with no output has only its exit code checked (0); one shown with output prints exactly that,
// on both streams.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type Marker =
  | { kind: 'run'; session: string }
  | { kind: 'skip'; reason: string }
  | { kind: 'output' }
  | { kind: 'unreadable'; text: string };

export interface FencedBlock {
  /** The page, relative to the repository root (docs/cli.md). */
  file: string;
  /** The line of its opening fence, from 1. */
  line: number;
  language: string;
  /** Its lines, without the fences. */
  body: string[];
  marker: Marker | undefined;
}

/** What a command is shown to print. */
export interface ShownOutput {
  stdout: string[];
  stderr: string[];
  exitCode: number;
  /** Whether any output is shown at all (a command shown with none has only its exit code checked). */
  shown: boolean;
}

export interface DocCommand {
  file: string;
  /** The line of its first line, from 1. */
  line: number;
  /** As written, continuation lines and here-documents included. */
  text: string;
  /** Without its comments and surrounding blanks: what a mapping (doc-session.ts) is looked up by. */
  bare: string;
  shows: ShownOutput;
}

const MARKER = /^\s*<!--\s*docs-test:\s*(.*?)\s*-->\s*$/;
const HTML_COMMENT = /^\s*<!--.*-->\s*$/;
const FENCE = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/;
/** Fenced blocks whose language is a shell: each must be marked. */
export const SHELL_LANGUAGES = ['sh', 'bash', 'shell', 'console', 'zsh'];

function parseMarker(text: string): Marker {
  const [, kind, rest = ''] = /^(\w+)\s*(.*)$/s.exec(text) ?? [];
  if (kind === 'run' && /^[\w-]+$/.test(rest)) return { kind: 'run', session: rest };
  if (kind === 'skip' && rest.replace(/^[:,—-]\s*/, '').length >= 10)
    return { kind: 'skip', reason: rest.replace(/^[:,—-]\s*/, '') };
  if (kind === 'output' && rest === '') return { kind: 'output' };
  return { kind: 'unreadable', text };
}

/** The marker of the block whose fence is at `index`: the docs-test comment among the comment lines above it. */
function markerAbove(lines: string[], index: number): Marker | undefined {
  for (let above = index - 1; above >= 0; above -= 1) {
    const line = lines[above]!;
    const marker = MARKER.exec(line);
    if (marker) return parseMarker(marker[1]!);
    if (line.trim() !== '' && !HTML_COMMENT.test(line)) return undefined;
  }
  return undefined;
}

/** Every fenced block of a page, with its marker. */
export function fencedBlocks(file: string, text: string): FencedBlock[] {
  const lines = text.split('\n');
  const blocks: FencedBlock[] = [];
  for (let index = 0; index < lines.length; index += 1) {
    const open = FENCE.exec(lines[index]!);
    if (!open) continue;
    const [, indent = '', fence = '', language = ''] = open;
    const body: string[] = [];
    let end = index + 1;
    for (; end < lines.length; end += 1) {
      const line = lines[end]!;
      if (line.trim().startsWith(fence) && line.trim().replace(/[`~]/g, '') === '') break;
      body.push(line.startsWith(indent) ? line.slice(indent.length) : line.trimStart());
    }
    blocks.push({ file, line: index + 1, language, body, marker: markerAbove(lines, index) });
    index = end;
  }
  return blocks;
}

export function readFencedBlocks(root: string, file: string): FencedBlock[] {
  return fencedBlocks(file, readFileSync(join(root, file), 'utf8'));
}

/** How far a command's text has got: whether more lines belong to it, and the text without comments. */
interface ScanState {
  quote: "'" | '"' | undefined;
  /** Here-document terminators still to come, the first one's body being read when `inHereDocument`. */
  hereDocuments: { word: string; stripTabs: boolean }[];
  inHereDocument: boolean;
  continued: boolean;
  bare: string;
}

/** Reads one more line of a command (enough of bash for the docs: quotes, comments, `\`, here-documents). */
function scanLine(state: ScanState, line: string): void {
  if (state.inHereDocument) {
    const [next] = state.hereDocuments;
    if ((next!.stripTabs ? line.replace(/^\t+/, '') : line) === next!.word) state.hereDocuments.shift();
    state.inHereDocument = state.hereDocuments.length > 0;
    state.continued = state.inHereDocument;
    state.bare += `${line}\n`;
    return;
  }
  let bare = '';
  let escapedNewline = false;
  for (let at = 0; at < line.length; at += 1) {
    const char = line[at]!;
    if (state.quote === "'") {
      if (char === "'") state.quote = undefined;
    } else if (state.quote === '"') {
      if (char === '\\' && at < line.length - 1) {
        bare += char + line[++at]!;
        continue;
      }
      if (char === '"') state.quote = undefined;
    } else if (char === '\\') {
      if (at === line.length - 1) escapedNewline = true;
      else bare += char + line[++at]!;
      continue;
    } else if (char === "'" || char === '"') {
      state.quote = char;
    } else if (char === '#' && (at === 0 || /[\s;&|(]/.test(line[at - 1]!))) {
      break;
    } else if (line.startsWith('<<', at) && !line.startsWith('<<<', at)) {
      const hereDocument = /^<<(-?)\s*(['"]?)([\w-]+)\2/.exec(line.slice(at));
      if (hereDocument) {
        state.hereDocuments.push({ word: hereDocument[3]!, stripTabs: hereDocument[1] === '-' });
        bare += hereDocument[0];
        at += hereDocument[0].length - 1;
        continue;
      }
    }
    bare += char;
  }
  state.bare += escapedNewline ? `${bare}\\\n` : `${bare.trimEnd()}\n`;
  state.inHereDocument = state.hereDocuments.length > 0;
  state.continued =
    state.quote !== undefined || escapedNewline || state.inHereDocument || /(&&|\|\||\|)\s*$/.test(bare);
}

const OUTPUT_LINE = /^# {3}/;
const NOTE = /\s{2,}\(((?:stderr|exit code \d+)(?:; (?:stderr|exit code \d+))?)\)\s*$/;

function addShownLine(shows: ShownOutput, raw: string): void {
  shows.shown = true;
  const note = NOTE.exec(raw);
  const text = note ? raw.slice(0, note.index) : raw;
  const exitCode = note && /exit code (\d+)/.exec(note[1]!);
  if (exitCode) shows.exitCode = Number(exitCode[1]);
  (note?.[1]!.includes('stderr') ? shows.stderr : shows.stdout).push(text.trimEnd());
}

/** The commands of a run block, each with what it is shown to print. */
export function commandsOf(block: FencedBlock): DocCommand[] {
  const commands: DocCommand[] = [];
  let state: ScanState | undefined;
  let lines: string[] = [];
  block.body.forEach((line, index) => {
    if (state?.continued) {
      lines.push(line);
      scanLine(state, line);
    } else if (OUTPUT_LINE.test(line)) {
      const last = commands.at(-1);
      if (last === undefined)
        throw new Error(`${block.file}:${block.line + 1 + index}: output shown before any command`);
      addShownLine(last.shows, line.slice(4));
      return;
    } else if (line.trim() === '' || line.trimStart().startsWith('#')) {
      return;
    } else {
      state = { quote: undefined, hereDocuments: [], inHereDocument: false, continued: false, bare: '' };
      lines = [line];
      commands.push({
        file: block.file,
        line: block.line + 1 + index,
        text: '',
        bare: '',
        shows: { stdout: [], stderr: [], exitCode: 0, shown: false },
      });
      scanLine(state, line);
    }
    const command = commands.at(-1)!;
    command.text = lines.join('\n');
    command.bare = state.bare.trim();
  });
  if (state?.continued) {
    const open = commands.at(-1)!;
    throw new Error(`${open.file}:${open.line}: the command does not end (an open quote or here-document?)`);
  }
  return commands;
}

/** The value `"…"` stands for in shown JSON. */
const ANY = '…';

function jsonMatches(shown: unknown, printed: unknown): boolean {
  if (shown === ANY) return true;
  if (Array.isArray(shown))
    return (
      Array.isArray(printed) &&
      shown.length === printed.length &&
      shown.every((item, index) => jsonMatches(item, printed[index]))
    );
  if (shown !== null && typeof shown === 'object') {
    if (printed === null || typeof printed !== 'object' || Array.isArray(printed)) return false;
    const shownKeys = Object.keys(shown);
    const printedKeys = Object.keys(printed);
    return (
      shownKeys.length === printedKeys.length &&
      shownKeys.every((key, index) => key === printedKeys[index]) &&
      shownKeys.every((key) =>
        jsonMatches((shown as Record<string, unknown>)[key], (printed as Record<string, unknown>)[key]),
      )
    );
  }
  return shown === printed;
}

function parsedJson(text: string): { value: unknown } | undefined {
  if (!/^\s*[[{]/.test(text)) return undefined;
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The lines of what a stream printed (a missing last newline is no difference). */
export function printedLines(printed: string): string[] {
  const lines = printed.split('\n').map((line) => line.trimEnd());
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** Whether what a stream printed is what the doc shows (see the top of this file for the placeholders). */
export function outputMatches(shown: string[], printed: string): boolean {
  const shownJson = parsedJson(shown.join('\n'));
  if (shownJson !== undefined) {
    const printedJson = parsedJson(printed);
    return printedJson !== undefined && jsonMatches(shownJson.value, printedJson.value);
  }
  const pattern = shown
    .map((line) => (line === ANY ? '(?:[^\\n]*\\n)*?' : `${escapeRegExp(line).replaceAll(ANY, '[^\\n]*?')}\\n`))
    .join('');
  const text = printedLines(printed)
    .map((line) => `${line}\n`)
    .join('');
  return new RegExp(`^${pattern}$`, 'u').test(text);
}

function fillPlaceholders(shown: unknown, printed: unknown): unknown {
  if (shown === ANY) return printed;
  if (Array.isArray(shown))
    return shown.map((item, index) => fillPlaceholders(item, Array.isArray(printed) ? printed[index] : undefined));
  if (shown !== null && typeof shown === 'object')
    return Object.fromEntries(
      Object.entries(shown).map(([key, value]) => [
        key,
        fillPlaceholders(value, printed !== null && typeof printed === 'object' ? (printed as never)[key] : undefined),
      ]),
    );
  return shown;
}

/**
 * For a failure message: what is shown and what was printed, each placeholder filled in with what was printed in
 * its place where it matches, so that the difference left is the one that matters.
 */
export function difference(shown: string[], printed: string): { shown: unknown; printed: unknown } {
  const shownJson = parsedJson(shown.join('\n'));
  const printedJson = parsedJson(printed);
  if (shownJson !== undefined && printedJson !== undefined)
    return { shown: fillPlaceholders(shownJson.value, printedJson.value), printed: printedJson.value };
  const lines = printedLines(printed);
  return {
    shown: shown.map((line, index) =>
      lines[index] !== undefined && line !== ANY && outputMatches([line], lines[index]) ? lines[index] : line,
    ),
    printed: lines,
  };
}

/** The shell variables a command's shown output names (`$FROM`, `${FROM}`). */
export function variablesNamed(shows: ShownOutput): string[] {
  const names = [...shows.stdout, ...shows.stderr].flatMap((line) =>
    [...line.matchAll(/\$\{?([A-Z_][A-Z0-9_]*)\}?/g)].map((match) => match[1]!),
  );
  return [...new Set(names)];
}

/** `line` with each `$NAME` / `${NAME}` that has a value replaced by it. */
export function withVariables(line: string, values: Record<string, string>): string {
  return line.replace(/\$\{([A-Z_][A-Z0-9_]*)\}|\$([A-Z_][A-Z0-9_]*)/g, (whole, braced?: string, bare?: string) => {
    const value = values[(braced ?? bare)!];
    return value === undefined || value === '' ? whole : value;
  });
}

/** The commands a page's run blocks of one session give, in order: what the harness runs in one shell. */
export interface DocSession {
  file: string;
  name: string;
  commands: DocCommand[];
}

/**
 * The run sessions of a page's blocks, each `output` block's lines given to the last command of the run block
 * above it as what it prints.
 */
export function sessionsOf(blocks: FencedBlock[]): DocSession[] {
  const sessions = new Map<string, DocSession>();
  let lastRun: DocCommand | undefined;
  for (const block of blocks) {
    if (block.marker?.kind === 'run') {
      const key = `${block.file}\n${block.marker.session}`;
      const session = sessions.get(key) ?? { file: block.file, name: block.marker.session, commands: [] };
      sessions.set(key, session);
      const commands = commandsOf(block);
      session.commands.push(...commands);
      lastRun = commands.at(-1);
    } else if (block.marker?.kind === 'output') {
      if (lastRun === undefined || lastRun.shows.shown)
        throw new Error(
          `${block.file}:${block.line}: an output block with no run block above it, or after shown output`,
        );
      lastRun.shows.stdout.push(...block.body);
      lastRun.shows.shown = true;
    }
  }
  return [...sessions.values()];
}

/** What is wrong with the markers of a page's blocks: every shell block must say whether it runs, and why not. */
export function markerProblems(blocks: FencedBlock[]): string[] {
  return blocks.flatMap(({ file, line, language, marker }) => {
    const at = `${file}:${line}`;
    if (marker?.kind === 'unreadable') return [`${at}: "docs-test: ${marker.text}" is not a marker this harness reads`];
    if (marker?.kind === 'output' && language !== 'json') return [`${at}: an output marker on a ${language} block`];
    if (!SHELL_LANGUAGES.includes(language)) return [];
    if (marker === undefined)
      return [`${at}: a ${language} block with no docs-test marker (run SESSION, or skip REASON)`];
    if (marker.kind === 'output') return [`${at}: an output marker on a ${language} block`];
    return [];
  });
}
