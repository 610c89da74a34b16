// Every shell block of README.md and docs/ is accounted for: run by test/integration/docs/pages-run.test.ts, or
// skipped with a reason. And the harness reads the blocks as bash would, and compares output as the pages say.
import { blocksOf, DOC_PAGES } from '../../support/doc-pages';
import {
  commandsOf,
  fencedBlocks,
  markerProblems,
  outputMatches,
  sessionsOf,
  withVariables,
  type FencedBlock,
} from '../../support/shell-blocks';

it('every shell block of README.md and docs/ is marked to run, or skipped with a reason', () => {
  expect(DOC_PAGES).toEqual(expect.arrayContaining(['README.md', 'docs/cli.md']));
  expect(DOC_PAGES.flatMap((page) => markerProblems(blocksOf(page)))).toEqual([]);
});

it('every run session of the pages reads: commands that end, output under a command', () => {
  for (const page of DOC_PAGES) expect(() => sessionsOf(blocksOf(page))).not.toThrow();
});

const page = (text: string) => fencedBlocks('page.md', text);

describe('markers', () => {
  it('a block with no marker, or with a skip that gives no reason, is a problem', () => {
    const blocks = page(
      [
        '```sh',
        'echo one',
        '```',
        '<!-- docs-test: skip -->',
        '```sh',
        'echo two',
        '```',
        '<!-- docs-test: skip, needs a Docker engine -->',
        '',
        '<!-- prettier-ignore -->',
        '```bash',
        'echo three',
        '```',
        '```json',
        '{}',
        '```',
      ].join('\n'),
    );
    expect(markerProblems(blocks)).toEqual([
      'page.md:1: a sh block with no docs-test marker (run SESSION, or skip REASON)',
      'page.md:5: "docs-test: skip" is not a marker this harness reads',
    ]);
    expect(blocks[2]!.marker).toEqual({ kind: 'skip', reason: 'needs a Docker engine' });
  });

  it('a marker is read across blank lines and other comments, not across text', () => {
    const blocks = page(['<!-- docs-test: run a -->', 'Some text.', '```sh', 'true', '```'].join('\n'));
    expect(blocks[0]!.marker).toBeUndefined();
  });

  it('an output block gives its lines to the last command of the run block above it', () => {
    const blocks = page(
      [
        '<!-- docs-test: run s -->',
        '```sh',
        'true',
        'curl -s x',
        '```',
        '<!-- docs-test: output -->',
        '<!-- prettier-ignore -->',
        '```json',
        '{"a":',
        ' 1}',
        '```',
      ].join('\n'),
    );
    const [session] = sessionsOf(blocks);
    expect(session!.commands.map(({ bare, shows }) => [bare, shows.shown, shows.stdout])).toEqual([
      ['true', false, []],
      ['curl -s x', true, ['{"a":', ' 1}']],
    ]);
  });
});

describe('commands, as bash reads them', () => {
  const block = (body: string[]): FencedBlock => ({
    file: 'page.md',
    line: 10,
    language: 'sh',
    body,
    marker: { kind: 'run', session: 's' },
  });

  it('continues over a backslash, an open quote and a here-document; comments and output lines are not commands', () => {
    const commands = commandsOf(
      block([
        "# 1. a comment, with an apostrophe: it's not a quote",
        'curl -s x \\',
        '  -d \'{"a":',
        "       1}'   # a comment",
        '#   printed',
        '#   printed on stderr  (stderr; exit code 3)',
        "cat > a.csv <<'CSV'",
        'a,b',
        '# not a comment: inside the here-document',
        'CSV',
        'npm ci && npm start   # serves it',
      ]),
    );
    expect(commands.map(({ line, bare }) => [line, bare])).toEqual([
      [12, 'curl -s x \\\n  -d \'{"a":\n       1}\''],
      [17, "cat > a.csv <<'CSV'\na,b\n# not a comment: inside the here-document\nCSV"],
      [21, 'npm ci && npm start'],
    ]);
    expect(commands[0]!.shows).toEqual({
      stdout: ['printed'],
      stderr: ['printed on stderr'],
      exitCode: 3,
      shown: true,
    });
    expect(commands[1]!.shows.shown).toBe(false);
  });

  it('a command that does not end is an error naming its line', () => {
    expect(() => commandsOf(block(["echo 'open"]))).toThrow('page.md:11: the command does not end');
  });
});

describe('output, compared as the pages show it', () => {
  it('line by line, exactly but for trailing spaces', () => {
    expect(outputMatches(['a', 'b'], 'a  \nb\n')).toBe(true);
    expect(outputMatches(['a', 'b'], 'a\nb\nc\n')).toBe(false);
    expect(outputMatches(['a  b'], 'a b\n')).toBe(false);
  });

  it('… stands for any text in its line, and a line of … alone for any lines', () => {
    expect(outputMatches(['…  NOTIFIED  (x)'], '2026-11-25T08:55:20.342Z  NOTIFIED  (x)\n')).toBe(true);
    expect(outputMatches(['…  NOTIFIED'], 'x  CONSENTED\n')).toBe(false);
    expect(outputMatches(['…', 'done'], 'one\ntwo\ndone\n')).toBe(true);
    expect(outputMatches(['…', 'done'], 'done\n')).toBe(true);
    expect(outputMatches(['…', 'done'], 'done\nmore\n')).toBe(false);
    expect(outputMatches(['a.b'], 'axb\n')).toBe(false);
  });

  it('as JSON when JSON is shown, wrapped or not; "…" stands for any value', () => {
    expect(outputMatches(['{"a":[', '  {"b":"…","c":1}]}'], '{"a":[{"b":null,"c":1}]}')).toBe(true);
    expect(outputMatches(['{"a":[{"b":"…","c":1}]}'], '{"a":[{"b":"x","c":2}]}')).toBe(false);
    expect(outputMatches(['{"a":1}'], '{"a":1,"b":2}')).toBe(false);
    expect(outputMatches(['{"a":1}'], 'not json')).toBe(false);
  });

  it('$NAME and ${NAME} are the shell variables after the command; unknown ones stay as written', () => {
    expect(withVariables('from ${FROM}T00:00 to $TO, $OTHER', { FROM: '2027-01-01', TO: 'x' })).toBe(
      'from 2027-01-01T00:00 to x, $OTHER',
    );
  });
});
