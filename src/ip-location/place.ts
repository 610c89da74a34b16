// From what an IP database says about an address to the codes that are stored: ISO 3166-1 country, and for
// mainland China the ISO 3166-2 province. Nothing else is kept (no city, no network, no address).
import { countryAtStart, countryCodeOfName, isAssignedCountryCode } from './countries';
import { MAINLAND_PROVINCES, SPECIAL_REGIONS } from './regions';

/** Both null: unknown (a private, reserved or unrouted address, or a region that is not a country). */
export interface IpPlace {
  countryCode: string | null;
  /** ISO 3166-2 for mainland China only (CN-GD); null elsewhere. */
  regionCode: string | null;
}

/**
 * A location recorded for one post of an account, at posting time: each post's (`post_ip_locations`), and an
 * account's latest (`user_ip_locations`: the one of its latest post).
 */
export interface RecordedLocation extends IpPlace {
  postId: string;
  userId: string;
  /** When the post was made. */
  recordedAt: Date;
}

export const UNKNOWN_PLACE: IpPlace = Object.freeze({ countryCode: null, regionCode: null });

/** China, narrowed by the province text that follows it (浙江省, 广西区, 香港, 台湾省…). */
function placeInChina(provinceText: string): IpPlace {
  const special = SPECIAL_REGIONS.find((region) => provinceText.startsWith(region.name));
  if (special !== undefined) return { countryCode: special.countryCode, regionCode: null };
  const province = MAINLAND_PROVINCES.find((candidate) => provinceText.startsWith(candidate.zh));
  return { countryCode: 'CN', regionCode: province?.regionCode ?? null };
}

/** A place given as a country name and a province name, as ip2region's IPv4 database gives it. */
export function placeOfNames(countryName: string, provinceName: string): IpPlace {
  const countryCode = countryCodeOfName(countryName);
  if (countryCode === undefined) return UNKNOWN_PLACE;
  return countryCode === 'CN' ? placeInChina(provinceName) : { countryCode, regionCode: null };
}

/** A place given as one text that begins with the country's name, as the IPv6 database gives it. */
export function placeOfText(text: string): IpPlace {
  const found = countryAtStart(text);
  if (found === undefined) return UNKNOWN_PLACE;
  return found.countryCode === 'CN' ? placeInChina(found.rest) : { countryCode: found.countryCode, regionCode: null };
}

/**
 * A place as an .xdb file's region text gives it. Upstream's data since 2025 reads
 * "Country|Province|City|ISP|ISO code" (Chinese names for China, English elsewhere): the code says the
 * country, the province narrows China. Older data (and the bundled .db) reads "Country|Area|Province|City|ISP",
 * whose last field is an ISP, never an assigned country code in ip2region's data; it is read by the names.
 */
export function placeOfRegionText(region: string): IpPlace {
  const [country = '', second = '', third = '', , fifth = ''] = region.split('|');
  if (isAssignedCountryCode(fifth))
    return fifth === 'CN' ? placeInChina(second) : { countryCode: fifth, regionCode: null };
  return placeOfNames(country, third);
}
