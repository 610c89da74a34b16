// What a feed prints for a stored location, in the configured language: the province for mainland China,
// 中国香港/中国澳门/中国台湾 for Hong Kong, Macau and Taiwan, the country's name elsewhere, 未知 when unknown.
import { countryName, type IpLocationLanguage } from './countries';
import type { IpPlace, RecordedLocation } from './place';
import { mainlandProvince, specialRegion } from './regions';

export const IP_LOCATION_LANGUAGES = ['zh', 'en'] as const satisfies readonly IpLocationLanguage[];
export type { IpLocationLanguage };

/** A location as served: the stored codes and time, and the label printed from them. */
export interface IpLocation extends IpPlace {
  label: string;
  recordedAt: Date;
}

const UNKNOWN: Record<IpLocationLanguage, string> = { zh: '未知', en: 'Unknown' };

export function ipLocationLabel(place: IpPlace, language: IpLocationLanguage): string {
  const { countryCode, regionCode } = place;
  if (countryCode === null) return UNKNOWN[language];
  if (regionCode !== null) {
    const province = mainlandProvince(regionCode);
    if (province !== undefined) return province[language];
  }
  const special = specialRegion(countryCode);
  if (special !== undefined) return special[language];
  return countryName(countryCode, language);
}

export function ipLocationOf(stored: RecordedLocation, language: IpLocationLanguage): IpLocation {
  const { countryCode, regionCode, recordedAt } = stored;
  return { label: ipLocationLabel(stored, language), countryCode, regionCode, recordedAt };
}
