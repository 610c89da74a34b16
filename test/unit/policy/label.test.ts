import { displayName } from '../../../src/policy/display-name';
import { decideIdentityLabel } from '../../../src/policy/label';
import type { SealedRealName } from '../../../src/policy/types';
import { viewerMaySeeRealName } from '../../../src/policy/viewer-gate';
import { anAccount, aStage } from '../../support/factories';
import { plainRealNames } from '../../support/real-names';

const now = new Date('2026-11-25T00:00:00Z');
const stages = [aStage({ minFollowers: 1_000_000 })];
const anonymous = { id: null, verified: false };
const signedIn = { id: 'someone', verified: false };
const verified = { id: 'someone', verified: true };
const open = plainRealNames.open;

describe('the viewer gate', () => {
  it.each([
    ['anyone', anonymous, true],
    ['signed-in', anonymous, false],
    ['signed-in', signedIn, true],
    ['verified', signedIn, false],
    ['verified', verified, true],
  ] as const)('with REAL_NAME_VIEWERS=%s lets %o through: %s', (setting, viewer, expected) => {
    expect(viewerMaySeeRealName(viewer, 'owner', setting)).toBe(expected);
  });

  it('always lets the owner see its own label', () => {
    expect(viewerMaySeeRealName({ id: 'owner', verified: false }, 'owner', 'verified')).toBe(true);
  });
});

describe('the label a viewer gets', () => {
  const disclosed = anAccount({ userId: 'owner', followerCount: 2_000_000, consent: 'YES', realName: 'Zhang San' });

  it('carries the real name of a disclosed account to an allowed viewer', () => {
    expect(
      decideIdentityLabel(disclosed, stages, now, verified, { hysteresisRatio: 0.9, realNameViewers: 'verified' }, open)
        .realName,
    ).toBe('Zhang San');
  });

  it('hides the real name from a viewer the gate stops, without changing the status', () => {
    const label = decideIdentityLabel(
      disclosed,
      stages,
      now,
      signedIn,
      { hysteresisRatio: 0.9, realNameViewers: 'verified' },
      open,
    );
    expect(label).toMatchObject({ status: 'DISCLOSED', realName: null });
  });

  it('gives every account that is not subject one shared, frozen label of its kind, holding nothing of it', () => {
    const settings = { hysteresisRatio: 0.9, realNameViewers: 'anyone' } as const;
    const small = (userId: string, subjectKind: 'INDIVIDUAL' | 'ORGANIZATION' | null) =>
      decideIdentityLabel(
        anAccount({ userId, subjectKind, followerCount: 300 }),
        stages,
        now,
        verified,
        settings,
        open,
      );
    const [first, second, organization] = [
      small('a', 'INDIVIDUAL'),
      small('b', 'INDIVIDUAL'),
      small('c', 'ORGANIZATION'),
    ];
    expect(first).toBe(second);
    expect(Object.isFrozen(first)).toBe(true);
    expect(first).toMatchObject({
      status: 'NOT_SUBJECT',
      realName: null,
      subjectKind: 'INDIVIDUAL',
      restricted: false,
    });
    expect(organization).toMatchObject({ status: 'NOT_SUBJECT', subjectKind: 'ORGANIZATION', realName: null });
    expect(decideIdentityLabel(undefined, stages, now, verified, settings, open)).toBe(small('d', null));
  });

  it('never shows the owner a name that is not disclosed', () => {
    const notice = anAccount({ userId: 'owner', followerCount: 2_000_000 });
    const label = decideIdentityLabel(
      notice,
      stages,
      now,
      { id: 'owner', verified: true },
      { hysteresisRatio: 0.9, realNameViewers: 'anyone' },
      open,
    );
    expect(label).toMatchObject({ status: 'NOTICE', realName: null });
  });

  it('shows an organization its registered name as the real name', () => {
    const organization = anAccount({
      subjectKind: 'ORGANIZATION',
      realName: 'Example Media Co., Ltd.',
      followerCount: 2_000_000,
      consent: 'YES',
    });
    expect(
      decideIdentityLabel(
        organization,
        stages,
        now,
        verified,
        { hysteresisRatio: 0.9, realNameViewers: 'verified' },
        open,
      ),
    ).toMatchObject({
      subjectKind: 'ORGANIZATION',
      realName: 'Example Media Co., Ltd.',
    });
  });
});

describe('opening the sealed name', () => {
  const settings = { hysteresisRatio: 0.9, realNameViewers: 'verified' as const };
  const disclosed = anAccount({ userId: 'owner', followerCount: 2_000_000, consent: 'YES', realName: 'Zhang San' });

  function countingOpener() {
    const opened: string[] = [];
    return {
      opened,
      open: (name: SealedRealName) => {
        const text = open(name);
        opened.push(text);
        return text;
      },
    };
  }

  it('opens the name only when it reveals it', () => {
    const counter = countingOpener();
    decideIdentityLabel(disclosed, stages, now, signedIn, settings, counter.open); // the gate stops this viewer
    decideIdentityLabel(anAccount({ followerCount: 2_000_000 }), stages, now, verified, settings, counter.open); // NOTICE
    decideIdentityLabel(anAccount({ followerCount: 10 }), stages, now, verified, settings, counter.open); // NOT_SUBJECT
    expect(counter.opened).toEqual([]);
    decideIdentityLabel(disclosed, stages, now, verified, settings, counter.open);
    expect(counter.opened).toEqual(['Zhang San']);
  });

  it("passes the opener's failure on, for the caller to fail that account alone", () => {
    const unreadable = new Error('cannot be read');
    const failing = () => {
      throw unreadable;
    };
    expect(() => decideIdentityLabel(disclosed, stages, now, verified, settings, failing)).toThrow(unreadable);
    expect(decideIdentityLabel(disclosed, stages, now, signedIn, settings, failing)).toMatchObject({
      status: 'DISCLOSED',
      realName: null,
    });
  });
});

describe('displayName', () => {
  it('is the nickname when no real name is revealed', () => {
    expect(displayName('{nickname} ({realName})', 'kitty', null)).toBe('kitty');
  });

  it('fills the format when a real name is revealed', () => {
    expect(displayName('{realName} · {nickname}', 'kitty', 'Li Si')).toBe('Li Si · kitty');
  });

  it('takes replacement patterns in names literally', () => {
    expect(displayName('{nickname} ({realName})', "$& $' $1", 'A$`B')).toBe("$& $' $1 (A$`B)");
  });
});
