// The pages whose shell blocks are run or accounted for: the README and every page of docs/.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPOSITORY_ROOT } from './paths';
import { readFencedBlocks, type FencedBlock } from './shell-blocks';

export const DOC_PAGES = [
  'README.md',
  ...readdirSync(join(REPOSITORY_ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`),
];

export function blocksOf(page: string): FencedBlock[] {
  return readFencedBlocks(REPOSITORY_ROOT, page);
}
