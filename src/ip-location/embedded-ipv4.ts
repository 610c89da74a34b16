// IPv6 addresses that carry an IPv4 address inside: they are looked up as that IPv4 address, in the IPv4
// data, whatever format the IPv6 file is in. The same rules as the ip2region package's own IPv6 search.

/** The 128 bits of a valid IPv6 address (net.isIPv6), a trailing dotted quad included. */
function ipv6Bits(ip: string): bigint {
  let text = ip;
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad !== null) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const all =
    tail === undefined
      ? groups(head)
      : [
          ...groups(head),
          ...new Array<string>(8 - groups(head).length - groups(tail).length).fill('0'),
          ...groups(tail),
        ];
  return all.reduce((bits, group) => (bits << 16n) | BigInt(parseInt(group, 16)), 0n);
}

function dottedQuad(bits: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => Number((bits >> shift) & 0xffn)).join('.');
}

/**
 * The IPv4 address inside an IPv6 one, or undefined: the upper 64 bits zero (IPv4-mapped ::ffff:a.b.c.d and
 * the old IPv4-compatible ::a.b.c.d), 6to4 (2002:AABB:CCDD::/48), Teredo (2001:0::/32, the client's address
 * inverted in the last 32 bits) and ISATAP (an interface id of ::5efe:a.b.c.d).
 */
export function embeddedIpv4(ipv6: string): string | undefined {
  const bits = ipv6Bits(ipv6);
  const upper = bits >> 64n;
  if (upper === 0n) return dottedQuad(bits & 0xffffffffn);
  if (upper >> 48n === 0x2002n) return dottedQuad((upper >> 16n) & 0xffffffffn);
  if (upper >> 32n === 0x20010000n) return dottedQuad(~bits & 0xffffffffn);
  if (((bits >> 32n) & 0xffffn) === 0x5efen) return dottedQuad(bits & 0xffffffffn);
  return undefined;
}
