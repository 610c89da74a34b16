// The 34 province-level divisions of China as an IP location prints them: the 31 of the mainland by their
// name without its suffix (广东省 → 广东, 内蒙古自治区 → 内蒙古), with their ISO 3166-2 code; Hong Kong,
// Macau and Taiwan as places of their own, with their ISO 3166-1 code, printed as regions of China.

export interface MainlandProvince {
  /** ISO 3166-2:CN. */
  regionCode: string;
  /** The short name, as the label prints it and as the IP databases begin it. */
  zh: string;
  en: string;
}

export interface SpecialRegion {
  /** ISO 3166-1 alpha-2. */
  countryCode: 'HK' | 'MO' | 'TW';
  /** How the IP databases begin its name. */
  name: string;
  zh: string;
  en: string;
}

export const MAINLAND_PROVINCES: readonly MainlandProvince[] = [
  { regionCode: 'CN-AH', zh: '安徽', en: 'Anhui' },
  { regionCode: 'CN-BJ', zh: '北京', en: 'Beijing' },
  { regionCode: 'CN-CQ', zh: '重庆', en: 'Chongqing' },
  { regionCode: 'CN-FJ', zh: '福建', en: 'Fujian' },
  { regionCode: 'CN-GS', zh: '甘肃', en: 'Gansu' },
  { regionCode: 'CN-GD', zh: '广东', en: 'Guangdong' },
  { regionCode: 'CN-GX', zh: '广西', en: 'Guangxi' },
  { regionCode: 'CN-GZ', zh: '贵州', en: 'Guizhou' },
  { regionCode: 'CN-HI', zh: '海南', en: 'Hainan' },
  { regionCode: 'CN-HE', zh: '河北', en: 'Hebei' },
  { regionCode: 'CN-HL', zh: '黑龙江', en: 'Heilongjiang' },
  { regionCode: 'CN-HA', zh: '河南', en: 'Henan' },
  { regionCode: 'CN-HB', zh: '湖北', en: 'Hubei' },
  { regionCode: 'CN-HN', zh: '湖南', en: 'Hunan' },
  { regionCode: 'CN-NM', zh: '内蒙古', en: 'Inner Mongolia' },
  { regionCode: 'CN-JS', zh: '江苏', en: 'Jiangsu' },
  { regionCode: 'CN-JX', zh: '江西', en: 'Jiangxi' },
  { regionCode: 'CN-JL', zh: '吉林', en: 'Jilin' },
  { regionCode: 'CN-LN', zh: '辽宁', en: 'Liaoning' },
  { regionCode: 'CN-NX', zh: '宁夏', en: 'Ningxia' },
  { regionCode: 'CN-QH', zh: '青海', en: 'Qinghai' },
  { regionCode: 'CN-SN', zh: '陕西', en: 'Shaanxi' },
  { regionCode: 'CN-SD', zh: '山东', en: 'Shandong' },
  { regionCode: 'CN-SH', zh: '上海', en: 'Shanghai' },
  { regionCode: 'CN-SX', zh: '山西', en: 'Shanxi' },
  { regionCode: 'CN-SC', zh: '四川', en: 'Sichuan' },
  { regionCode: 'CN-TJ', zh: '天津', en: 'Tianjin' },
  { regionCode: 'CN-XZ', zh: '西藏', en: 'Tibet' },
  { regionCode: 'CN-XJ', zh: '新疆', en: 'Xinjiang' },
  { regionCode: 'CN-YN', zh: '云南', en: 'Yunnan' },
  { regionCode: 'CN-ZJ', zh: '浙江', en: 'Zhejiang' },
];

export const SPECIAL_REGIONS: readonly SpecialRegion[] = [
  { countryCode: 'HK', name: '香港', zh: '中国香港', en: 'Hong Kong, China' },
  { countryCode: 'MO', name: '澳门', zh: '中国澳门', en: 'Macao, China' },
  { countryCode: 'TW', name: '台湾', zh: '中国台湾', en: 'Taiwan, China' },
];

const PROVINCES_BY_REGION_CODE = new Map(MAINLAND_PROVINCES.map((province) => [province.regionCode, province]));
const SPECIAL_REGIONS_BY_CODE = new Map<string, SpecialRegion>(
  SPECIAL_REGIONS.map((region) => [region.countryCode, region]),
);

export function mainlandProvince(regionCode: string): MainlandProvince | undefined {
  return PROVINCES_BY_REGION_CODE.get(regionCode);
}

export function specialRegion(countryCode: string): SpecialRegion | undefined {
  return SPECIAL_REGIONS_BY_CODE.get(countryCode);
}
