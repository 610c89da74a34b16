// Docs that are executed: every shell block of README.md and docs/ marked `<!-- docs-test: run SESSION -->` runs
// here as a reader would paste it, in order, on a real database and a real server from the built tree, and
// what each command prints is compared with what the page shows under it (test/support/shell-blocks.ts says how
// output is shown, test/support/doc-session.ts what differs from a reader's terminal). A new marked block is
// run without a change here. The sessions run at once, each in a folder, on a database and ports of its own.
import { runDocSession } from '../../support/doc-session';
import { blocksOf, DOC_PAGES } from '../../support/doc-pages';
import { sessionsOf } from '../../support/shell-blocks';

const sessions = DOC_PAGES.flatMap((page) => sessionsOf(blocksOf(page)));

it('the pages have blocks to run', () => {
  expect(sessions.map(({ file, name }) => `${file} ${name}`)).toEqual(
    expect.arrayContaining(['README.md readme', 'docs/cli.md walkthrough']),
  );
});

it.concurrent.each(sessions.map((session) => [session.file, session.name, session] as const))(
  '%s, the "%s" blocks: every command prints what the page shows',
  (_file, _name, session) => runDocSession(session),
  120_000,
);
