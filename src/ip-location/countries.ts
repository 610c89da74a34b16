// Countries by ISO 3166-1 alpha-2 code: their names in Chinese and English come from Node's own ICU data
// (Intl.DisplayNames), and the Chinese names the IP databases use are mapped back to codes here.

/**
 * The officially assigned ISO 3166-1 alpha-2 codes. ICU also names withdrawn and reserved codes (UK, SU,
 * YU, EU, ZZ...) with the same Chinese names as current ones, so the reverse map is built from this list
 * only.
 */
const ASSIGNED_CODES = (
  'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY ' +
  'BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK ' +
  'FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR ' +
  'IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ' +
  'ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM ' +
  'PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF ' +
  'TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'
).split(' ');

/**
 * Names the IP databases use that are not ICU's Chinese name of the country (short and older forms).
 * Ascension Island is part of Saint Helena's code; Kosovo has no assigned code and takes XK, the one in
 * common use (and ICU's).
 */
const DATABASE_NAMES: Record<string, string> = {
  阿森松岛: 'SH',
  科索沃: 'XK',
  阿联酋: 'AE',
  巴勒斯坦: 'PS',
  波黑: 'BA',
  刚果金: 'CD',
  '刚果(金)': 'CD',
  刚果布: 'CG',
  '刚果(布)': 'CG',
  中非: 'CF',
  多米尼加: 'DO',
  法国南部领地: 'TF',
  孟加拉: 'BD',
  留尼旺: 'RE',
  马其顿: 'MK',
  蒙塞拉特岛: 'MS',
  南乔治亚岛和南桑威奇群岛: 'GS',
  圣马丁: 'MF',
  托克劳群岛: 'TK',
  瓦利斯和富图纳群岛: 'WF',
  香港: 'HK',
  澳门: 'MO',
};

export type IpLocationLanguage = 'zh' | 'en';

const DISPLAY_NAMES: Record<IpLocationLanguage, Intl.DisplayNames> = {
  zh: new Intl.DisplayNames(['zh'], { type: 'region', fallback: 'none' }),
  en: new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' }),
};

const CODES_BY_CHINESE_NAME = new Map<string, string>([
  ...ASSIGNED_CODES.flatMap((code) => {
    const name = DISPLAY_NAMES.zh.of(code);
    return name === undefined ? [] : [[name, code] as [string, string]];
  }),
  ...Object.entries(DATABASE_NAMES),
]);

/** Longest first, so that a name is never cut short by a shorter one it begins with (中国香港… before 中国). */
const CHINESE_NAMES_LONGEST_FIRST = [...CODES_BY_CHINESE_NAME.keys()].sort((a, b) => b.length - a.length);

export function isAssignedCountryCode(code: string): boolean {
  return ASSIGNED_CODES.includes(code);
}

/** The code of a country named exactly so, in Chinese; undefined for a region (欧洲, 亚太地区) or an unknown name. */
export function countryCodeOfName(name: string): string | undefined {
  return CODES_BY_CHINESE_NAME.get(name);
}

/** The country a free-text place (中国浙江省杭州市, 德国Hessen州…) begins with, and the rest of the text. */
export function countryAtStart(text: string): { countryCode: string; rest: string } | undefined {
  const name = CHINESE_NAMES_LONGEST_FIRST.find((candidate) => text.startsWith(candidate));
  if (name === undefined) return undefined;
  return { countryCode: CODES_BY_CHINESE_NAME.get(name)!, rest: text.slice(name.length) };
}

/** Names already asked of ICU, by language and code: a feed asks the same few countries over and over. */
const NAMES_ASKED: Record<IpLocationLanguage, Map<string, string>> = { zh: new Map(), en: new Map() };

/** The country's name in the language, from ICU; the code itself if ICU has none. */
export function countryName(countryCode: string, language: IpLocationLanguage): string {
  const asked = NAMES_ASKED[language];
  let name = asked.get(countryCode);
  if (name === undefined) {
    name = DISPLAY_NAMES[language].of(countryCode) ?? countryCode;
    // Stored codes are assigned ISO codes (checked when written): a few hundred at most.
    if (isAssignedCountryCode(countryCode)) asked.set(countryCode, name);
  }
  return name;
}
