// The label a feed prints, from the stored codes, in the configured language (IP_LOCATION_LANGUAGE).
import { ipLocationLabel } from '../../../src/ip-location/label';
import { MAINLAND_PROVINCES, SPECIAL_REGIONS } from '../../../src/ip-location/regions';

const at = (countryCode: string | null, regionCode: string | null = null) => ({ countryCode, regionCode });

it.each([
  [at('CN', 'CN-GD'), '广东', 'Guangdong'],
  [at('CN', 'CN-BJ'), '北京', 'Beijing'],
  [at('CN', 'CN-NM'), '内蒙古', 'Inner Mongolia'],
  [at('CN', 'CN-XJ'), '新疆', 'Xinjiang'],
  [at('HK'), '中国香港', 'Hong Kong, China'],
  [at('MO'), '中国澳门', 'Macao, China'],
  [at('TW'), '中国台湾', 'Taiwan, China'],
  [at('CN'), '中国', 'China'], // the database knew only the country
  [at('US'), '美国', 'United States'],
  [at('JP'), '日本', 'Japan'],
  [at('DE'), '德国', 'Germany'],
  [at(null), '未知', 'Unknown'],
])('%j prints "%s" in Chinese and "%s" in English', (place, zh, en) => {
  expect(ipLocationLabel(place, 'zh')).toBe(zh);
  expect(ipLocationLabel(place, 'en')).toBe(en);
});

it('knows all 34 province-level divisions, each with a distinct short name and code', () => {
  expect(MAINLAND_PROVINCES.length + SPECIAL_REGIONS.length).toBe(34);
  const names = [...MAINLAND_PROVINCES.map((province) => province.zh), ...SPECIAL_REGIONS.map((region) => region.name)];
  expect(new Set(names).size).toBe(34);
  for (const province of MAINLAND_PROVINCES) expect(province.regionCode).toMatch(/^CN-[A-Z]{2}$/);
  // No short name begins another: a prefix match can never pick the wrong province.
  for (const name of names) expect(names.filter((other) => other.startsWith(name))).toEqual([name]);
});
