// fast-check generators for the policy's inputs. Real names carry a marker that no nickname can contain,
// so "does this response contain a real name" is a plain substring search.
import fc from 'fast-check';
import { StoredRealName } from '../../src/real-names/real-names';
import type { AccountFacts, PolicyStage, RealNameViewers, Viewer } from '../../src/policy/types';

export const REAL_NAME_MARKER = '§RN';

const CATEGORIES = ['politics', 'finance', 'law', 'health', 'travel'];
const FROM = new Date('2023-01-01T00:00:00Z').getTime();
const TO = new Date('2028-01-01T00:00:00Z').getTime();

export const instant = () => fc.integer({ min: FROM, max: TO }).map((ms) => new Date(ms));
const followers = () =>
  fc.oneof(
    fc.integer({ min: 0, max: 3_000_000 }),
    fc.constantFrom(449_999, 450_000, 500_000, 899_999, 900_000, 1_000_000),
  );

export function accountArbitrary(userId: string): fc.Arbitrary<AccountFacts> {
  return fc.record({
    userId: fc.constant(userId),
    realName: fc.option(
      fc
        .string({ unit: fc.constantFrom(...'0123456789abcdef'.split('')), minLength: 4, maxLength: 12 })
        .map((hex) => StoredRealName.fromPlainText(userId, `${REAL_NAME_MARKER}${userId}-${hex}`)),
      {
        freq: 8,
      },
    ),
    subjectKind: fc.option(fc.constantFrom('INDIVIDUAL' as const, 'ORGANIZATION' as const)),
    verification: fc.constantFrom('VERIFIED' as const, 'UNVERIFIED' as const, 'REVOKED' as const),
    followerCount: followers(),
    category: fc.option(fc.constantFrom(...CATEGORIES)),
    notifiedAt: fc.option(instant()),
    // PolicyStage ids 1-4 as stagesArbitrary numbers them (the HTTP test maps them onto the stored stages).
    notifiedStageId: fc.option(fc.integer({ min: 1, max: 4 })),
    consent: fc.constantFrom('YES' as const, 'NO' as const, 'NONE' as const),
    consentAt: fc.option(instant()),
  });
}

export const stageArbitrary: fc.Arbitrary<Omit<PolicyStage, 'id'>> = fc.record({
  name: fc.uuid(),
  minFollowers: fc.constantFrom(100_000, 500_000, 1_000_000),
  categories: fc.option(fc.uniqueArray(fc.constantFrom(...CATEGORIES), { maxLength: 3 })),
  effectiveFrom: instant(),
  noticeDays: fc.integer({ min: 0, max: 30 }),
  mode: fc.constantFrom('CONSENT' as const, 'MANDATORY' as const),
  retiredAt: fc.option(instant(), { freq: 3 }),
});

export const stagesArbitrary = fc
  .array(stageArbitrary, { maxLength: 4 })
  .map((stages) => stages.map((stage, index) => ({ ...stage, id: index + 1 })));

/** Anonymous, signed in, verified, or (with `owners`) the owner of one of the accounts. */
export function viewerArbitrary(owners: string[] = []): fc.Arbitrary<Viewer> {
  const viewers: fc.Arbitrary<Viewer>[] = [
    fc.constant({ id: null, verified: false }),
    fc.record({ id: fc.constant('stranger'), verified: fc.boolean() }),
  ];
  if (owners.length > 0) viewers.push(fc.record({ id: fc.constantFrom(...owners), verified: fc.boolean() }));
  return fc.oneof(...viewers);
}

export const settingArbitrary = fc.constantFrom<RealNameViewers>('anyone', 'signed-in', 'verified');

export const nicknameArbitrary = fc.string({
  unit: fc.constantFrom(...'abcdefghij0123456789 _-'.split('')),
  maxLength: 12,
});
