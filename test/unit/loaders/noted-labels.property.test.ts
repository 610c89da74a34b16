// The labels of rows the row cache holds, noted or not, are the labels decided afresh: for random accounts,
// stages, viewers and moments (on the stages' boundaries, a millisecond either side, and anywhere), in any order,
// with rows written in between (forgotten by the cache, as the change feed makes it).
import fc from 'fast-check';
import { AccountCache } from '../../../src/db/account-cache';
import { createIdentityLoader } from '../../../src/loaders/identity-loader';
import { NotSubjectNotes } from '../../../src/loaders/not-subject-notes';
import { decideIdentityLabel } from '../../../src/policy/label';
import type { PolicyStage } from '../../../src/policy/types';
import { accountArbitrary, instant, stagesArbitrary, viewerArbitrary } from '../../support/arbitraries';
import { testRealNames } from '../../support/real-names';

const OWNERS = ['acct-0', 'acct-1', 'acct-2', 'acct-3', 'acct-4', 'acct-5'];
const settings = { hysteresisRatio: 0.9, realNameViewers: 'verified' as const };

/** Moments that matter to these stages: each boundary, a millisecond before and after it, and some others. */
function momentsAround(stages: readonly PolicyStage[]): fc.Arbitrary<Date[]> {
  const boundaries = stages.flatMap((stage) => [stage.effectiveFrom, stage.retiredAt].filter((at) => at !== null));
  const nearBoundaries = boundaries.flatMap((at) => [-1, 0, 1].map((ms) => new Date(at.getTime() + ms)));
  const moment = nearBoundaries.length > 0 ? fc.oneof(fc.constantFrom(...nearBoundaries), instant()) : instant();
  return fc.array(moment, { minLength: 1, maxLength: 12 });
}

const scenario = fc
  .record({
    accounts: fc.tuple(...OWNERS.map((id) => accountArbitrary(id))),
    // Each owner's account as a write may leave it, and after which moment (if any) that write comes.
    written: fc.tuple(...OWNERS.map((id) => accountArbitrary(id))),
    writtenAfter: fc.array(fc.option(fc.nat(11)), { minLength: OWNERS.length, maxLength: OWNERS.length }),
    stages: stagesArbitrary.map((stages) => Object.freeze(stages)),
    viewers: fc.array(viewerArbitrary(OWNERS), { minLength: 1, maxLength: 3 }),
  })
  .chain((parts) => momentsAround(parts.stages).map((moments) => ({ ...parts, moments })));

it('a label taken from a note is the label the row would be given afresh, at every moment, for every viewer', async () => {
  await fc.assert(
    fc.asyncProperty(scenario, async ({ accounts, written, writtenAfter, stages, viewers, moments }) => {
      const byId = new Map(accounts.map((account) => [account.userId, account]));
      const notSubjectNotes = new NotSubjectNotes();
      let noted = 0;
      const read = async (userIds: readonly string[]) => userIds.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
      const cache = new AccountCache(read, { ttlMs: 60_000, maxEntries: 100 });
      const ids = [...OWNERS, 'never-seen'];
      for (const [step, now] of moments.entries()) {
        for (const [index, account] of written.entries()) {
          if (writtenAfter[index] !== step - 1) continue;
          byId.set(account.userId, account); // a write, then the change feed makes the cache forget it
          cache.forget([account.userId]);
        }
        for (const viewer of viewers) {
          const labels = await createIdentityLoader({
            accounts: { read: (userIds) => cache.read(userIds), readNoted: (userIds) => cache.readNoted(userIds) },
            stages: () => stages,
            clock: () => now,
            openRealName: testRealNames.open,
            viewer,
            settings,
            maxBatchSize: 1000,
            notSubjectNotes,
          }).loadMany(ids);
          noted += (await cache.readNoted(ids))!.filter((account) => account.note !== undefined).length;
          const afresh = ids.map((id) =>
            decideIdentityLabel(byId.get(id), stages, now, viewer, settings, testRealNames.open),
          );
          expect(labels).toEqual(afresh);
        }
      }
      return noted > 0 || moments.length === 0;
    }),
    { numRuns: 300 },
  );
});
