import { pretenuringFlag, semiSpaceFlag } from '../../src/v8-flags';

describe('the V8 flags the server starts with', () => {
  it('semi-spaces of 32 MB by default, the size given, none for 0, a bad value or a size already given', () => {
    expect(semiSpaceFlag({}, [])).toBe('--max-semi-space-size=32');
    expect(semiSpaceFlag({ YOUNG_GENERATION_SEMI_SPACE_MB: '16' }, [])).toBe('--max-semi-space-size=16');
    expect(semiSpaceFlag({ YOUNG_GENERATION_SEMI_SPACE_MB: '0' }, [])).toBeUndefined();
    expect(semiSpaceFlag({ YOUNG_GENERATION_SEMI_SPACE_MB: 'big' }, [])).toBeUndefined();
    expect(semiSpaceFlag({}, ['--max-semi-space-size=8'])).toBeUndefined();
    expect(semiSpaceFlag({ NODE_OPTIONS: '--max-semi-space-size=8' }, [])).toBeUndefined();
    expect(semiSpaceFlag({}, ['--max_semi_space_size=8'])).toBeUndefined();
  });

  it('pretenuring off when the row cache is off, V8 own when it is on (auto)', () => {
    expect(pretenuringFlag({ ACCOUNT_CACHE_TTL_MS: '0' }, [])).toBe('--no-allocation-site-pretenuring');
    expect(pretenuringFlag({ ACCOUNT_CACHE_TTL_MS: '000' }, [])).toBe('--no-allocation-site-pretenuring');
    expect(pretenuringFlag({}, [])).toBeUndefined(); // the cache is on by default
    expect(pretenuringFlag({ ACCOUNT_CACHE_TTL_MS: '2000' }, [])).toBeUndefined();
    expect(pretenuringFlag({ ACCOUNT_CACHE_TTL_MS: '' }, [])).toBeUndefined(); // config.ts refuses it
  });

  it('ALLOCATION_SITE_PRETENURING=on or off decides whatever the cache; a flag on the command line wins', () => {
    expect(pretenuringFlag({ ALLOCATION_SITE_PRETENURING: 'on', ACCOUNT_CACHE_TTL_MS: '0' }, [])).toBeUndefined();
    expect(pretenuringFlag({ ALLOCATION_SITE_PRETENURING: 'off' }, [])).toBe('--no-allocation-site-pretenuring');
    expect(
      pretenuringFlag({ ALLOCATION_SITE_PRETENURING: 'sometimes', ACCOUNT_CACHE_TTL_MS: '0' }, []),
    ).toBeUndefined();
    for (const given of [
      '--allocation-site-pretenuring',
      '--no-allocation-site-pretenuring',
      '--noallocation-site-pretenuring',
      '--allocation_site_pretenuring',
    ]) {
      expect(pretenuringFlag({ ACCOUNT_CACHE_TTL_MS: '0' }, [given])).toBeUndefined();
    }
  });
});
