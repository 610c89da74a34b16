// docs/privacy.md lists every table and column the service keeps: a column added by a migration without a
// line there fails here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useMigratedDatabase } from '../../support/database';
import { REPOSITORY_ROOT } from '../../support/paths';

const db = useMigratedDatabase();

function documentedColumns(): Map<string, string[]> {
  const page = readFileSync(join(REPOSITORY_ROOT, 'docs', 'privacy.md'), 'utf8');
  const tables = new Map<string, string[]>();
  for (const row of page.split('\n').filter((line) => /^\| `[a-z_]+` +\|/.test(line))) {
    const [, table, columns] = row.split('|').map((cell) => cell.trim());
    tables.set(
      table!.replaceAll('`', ''),
      [...columns!.matchAll(/`([a-z_]+)`/g)].map((match) => match[1]!),
    );
  }
  return tables;
}

it('docs/privacy.md lists every table and every column, and no other', async () => {
  const rows = (await db.dataSource.query(
    'SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = DATABASE() ORDER BY t, ordinal_position',
  )) as { t: string; c: string }[];
  const actual = new Map<string, string[]>();
  for (const { t, c } of rows) actual.set(t, [...(actual.get(t) ?? []), c]);
  const documented = documentedColumns();
  expect(Object.fromEntries([...documented].map(([table, columns]) => [table, [...columns].sort()])).valueOf()).toEqual(
    Object.fromEntries([...actual].map(([table, columns]) => [table, [...columns].sort()])),
  );
});
