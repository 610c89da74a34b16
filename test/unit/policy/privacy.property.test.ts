// For any account, policy, moment and viewer: a real name that is not due never comes out of the policy.
import fc from 'fast-check';
import { displayName } from '../../../src/policy/display-name';
import { decideIdentityLabel } from '../../../src/policy/label';
import {
  accountArbitrary,
  instant,
  nicknameArbitrary,
  REAL_NAME_MARKER,
  settingArbitrary,
  stagesArbitrary,
  viewerArbitrary,
} from '../../support/arbitraries';
import { realNameMayBeShown, realNameMustBeShown } from '../../support/privacy-oracle';
import { plainRealNames, testRealNames, textOf } from '../../support/real-names';

const FORMATS = ['{nickname} ({realName})', '{realName}', '{realName} · {nickname}'];

it('the label and displayName reveal a real name only when it is due', () => {
  fc.assert(
    fc.property(
      accountArbitrary('owner'),
      stagesArbitrary,
      instant(),
      viewerArbitrary(['owner']),
      settingArbitrary,
      nicknameArbitrary,
      fc.constantFrom(...FORMATS),
      (account, stages, now, viewer, setting, nickname, format) => {
        // Stored as the service stores it: encrypted, opened only by the viewer gate.
        const stored = { ...account, realName: account.realName && testRealNames.reseal(account.realName) };
        const settings = { hysteresisRatio: 0.9, realNameViewers: setting };
        const label = decideIdentityLabel(stored, stages, now, viewer, settings, testRealNames.open);
        const shown = JSON.stringify({ label, displayName: displayName(format, nickname, label.realName) });
        const mayShow = realNameMayBeShown(account, stages, now, viewer, setting);
        if (!mayShow) expect(shown).not.toContain(REAL_NAME_MARKER);
        if (realNameMustBeShown(account, viewer, setting))
          expect(label.realName).toBe(textOf(account.realName, plainRealNames));
        if (label.realName !== null) expect(label.status).toBe('DISCLOSED');
      },
    ),
    { numRuns: 5000 },
  );
});
