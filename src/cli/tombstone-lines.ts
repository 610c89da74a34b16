// The lines of `accounts tombstones`, read back by `accounts replay-erasures`: each is checked, and a bad
// one stops the replay before anything is written (named by its line, never echoed).
import type { Tombstone } from '../db/erasures';
import { CommandError } from './database';

const PSEUDONYM = /^[A-Za-z0-9_-]{43}$/;

function tombstoneOf(line: string): Tombstone | undefined {
  try {
    const value = JSON.parse(line) as { pseudonym?: unknown; erasedAt?: unknown };
    if (typeof value.pseudonym !== 'string' || !PSEUDONYM.test(value.pseudonym)) return undefined;
    if (typeof value.erasedAt !== 'string') return undefined;
    const erasedAt = new Date(value.erasedAt);
    if (Number.isNaN(erasedAt.getTime()) || erasedAt.toISOString() !== value.erasedAt) return undefined;
    return { pseudonym: value.pseudonym, erasedAt };
  } catch {
    return undefined;
  }
}

export function parseTombstoneLines(text: string, source: string): Tombstone[] {
  const tombstones: Tombstone[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    const tombstone = tombstoneOf(line);
    if (tombstone === undefined) {
      throw new CommandError(
        `${source}:${index + 1}: not a tombstone: expected {"pseudonym": 43 base64url characters, "erasedAt": an ISO time}`,
        'USAGE',
      );
    }
    tombstones.push(tombstone);
  }
  return tombstones;
}
