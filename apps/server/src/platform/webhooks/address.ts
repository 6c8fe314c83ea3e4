/**
 * Which addresses a webhook may reach. Refused: everything that is not public unicast — private, loopback,
 * link-local, CGNAT, multicast, unspecified, documentation/benchmarking/reserved ranges and cloud metadata
 * addresses — in IPv4 and IPv6, including IPv6 forms that carry an IPv4 address (IPv4-mapped and -compatible,
 * SIIT, NAT64 64:ff9b::/96, 6to4 2002::/16), which are judged by the IPv4 address they carry. IPv6 outside global
 * unicast (2000::/3) is refused outright.
 *
 * IPv4 literals are read the way `inet_aton` (and so the system resolver) reads them: 1 to 4 parts, each decimal,
 * octal (leading 0) or hex (0x), the last part filling the remaining bytes — `2130706433`, `0177.0.0.1`, `0x7f.1`
 * and `127.1` are all 127.0.0.1.
 */
import net from 'node:net';

type Bytes = number[];

interface Range {
  bytes: Bytes;
  bits: number;
  reason: string;
}

const V4_REFUSED: Array<[string, string]> = [
  ['0.0.0.0/8', 'unspecified ("this network")'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'shared address space (CGNAT)'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local (cloud metadata)'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'IETF protocol assignments'],
  ['192.0.2.0/24', 'documentation'],
  ['192.88.99.0/24', '6to4 relay anycast'],
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'benchmarking'],
  ['198.51.100.0/24', 'documentation'],
  ['203.0.113.0/24', 'documentation'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved (and broadcast)'],
  ['168.63.129.16/32', 'cloud metadata (Azure)'],
];

const V6_REFUSED: Array<[string, string]> = [
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['64:ff9b:1::/48', 'local-use NAT64'],
  ['100::/64', 'discard-only'],
  ['2001::/23', 'IETF protocol assignments (incl. Teredo)'],
  ['2001:db8::/32', 'documentation'],
  ['3fff::/20', 'documentation'],
  ['5f00::/16', 'segment routing'],
  ['fc00::/7', 'unique local (private)'],
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'site-local'],
  ['ff00::/8', 'multicast'],
];

/** IPv6 prefixes whose address carries an IPv4 address, and where (byte offset) it sits. */
const V6_CARRIES_V4: Array<[string, number]> = [
  ['::/96', 12], // IPv4-compatible (deprecated); also :: and ::1, which carry 0.0.0.0 and 0.0.0.1
  ['::ffff:0:0/96', 12], // IPv4-mapped
  ['::ffff:0:0:0/96', 12], // IPv4-translated (SIIT)
  ['64:ff9b::/96', 12], // NAT64 well-known prefix
  ['2002::/16', 2], // 6to4
];

const GLOBAL_UNICAST = cidr('2000::/3');

/** Read an IPv4 literal in any inet_aton form; null when `host` is not one. */
export function parseIPv4(host: string): Bytes | null {
  const parts = (host.endsWith('.') ? host.slice(0, -1) : host).split('.');
  if (parts.length < 1 || parts.length > 4) return null;
  const values: number[] = [];
  for (const p of parts) {
    let v: number;
    if (/^0x[0-9a-f]*$/i.test(p)) v = p.length === 2 ? 0 : parseInt(p.slice(2), 16);
    else if (/^0[0-7]+$/.test(p)) v = parseInt(p, 8);
    else if (/^(0|[1-9][0-9]*)$/.test(p)) v = parseInt(p, 10);
    else return null;
    values.push(v);
  }
  const last = values.pop()!;
  if (values.some((v) => v > 255) || last >= 256 ** (4 - values.length)) return null;
  const tail = [24, 16, 8, 0].slice(values.length).map((shift) => Math.floor(last / 2 ** shift) % 256);
  return [...values, ...tail];
}

/** Read an IPv6 literal (brackets and a zone id allowed); null when `host` is not one. */
export function parseIPv6(host: string): Bytes | null {
  const bare = host.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  if (!net.isIPv6(bare)) return null;
  let text = bare;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const b = parseIPv4(v4[1]!)!;
    text = `${text.slice(0, v4.index)}${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const groups = (s: string) => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const left = groups(head);
  const right = rest === undefined ? [] : groups(rest);
  const words = [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
  return words.flatMap((w) => [w >> 8, w & 255]);
}

function cidr(text: string): { bytes: Bytes; bits: number } {
  const [ip, bits] = text.split('/') as [string, string];
  const bytes = parseIPv6(ip) ?? parseIPv4(ip);
  if (!bytes) throw new Error(`bad CIDR ${text}`);
  return { bytes, bits: Number(bits ?? bytes.length * 8) };
}

function within(bytes: Bytes, range: { bytes: Bytes; bits: number }): boolean {
  if (bytes.length !== range.bytes.length) return false;
  for (let bit = 0; bit < range.bits; bit += 8) {
    const mask = range.bits - bit >= 8 ? 255 : (255 << (8 - (range.bits - bit))) & 255;
    if ((bytes[bit / 8]! & mask) !== (range.bytes[bit / 8]! & mask)) return false;
  }
  return true;
}

const ranges = (list: Array<[string, string]>): Range[] => list.map(([c, reason]) => ({ ...cidr(c), reason }));
const V4 = ranges(V4_REFUSED);
const V6 = ranges(V6_REFUSED);
const CARRIERS = V6_CARRIES_V4.map(([c, offset]) => ({ ...cidr(c), offset }));

/** An allow-list of CIDRs (e.g. `127.0.0.1/32`) for tests and development only; empty by default. */
export type AllowList = readonly string[];

/** The IPv4 address an IPv6 address carries, if it has one of the forms that do. */
function carriedV4(bytes: Bytes): Bytes | null {
  const carrier = bytes.length === 16 ? CARRIERS.find((c) => within(bytes, c)) : undefined;
  return carrier ? bytes.slice(carrier.offset, carrier.offset + 4) : null;
}

function refusalOfBytes(bytes: Bytes): string | null {
  if (bytes.length === 4) return V4.find((r) => within(bytes, r))?.reason ?? null;
  const listed = V6.find((r) => within(bytes, r));
  if (listed) return listed.reason;
  const v4 = carriedV4(bytes);
  if (v4) {
    const reason = refusalOfBytes(v4);
    return reason && `${reason}, carried in IPv6`;
  }
  return within(bytes, GLOBAL_UNICAST) ? null : 'not IPv6 global unicast';
}

/**
 * Why a webhook may not connect to `address` (an IP literal in any encoding), or null when it may. Anything that
 * is not an IP literal is refused: names must be resolved first and each address they resolve to checked.
 */
export function refusalOf(address: string, allow: AllowList = []): string | null {
  const bytes = parseIPv6(address) ?? parseIPv4(address);
  if (!bytes) return 'not an IP address';
  const v4 = bytes.length === 16 ? carriedV4(bytes) : null;
  const allowed = allow.map(cidr);
  if (allowed.some((r) => within(bytes, r) || (v4 !== null && within(v4, r)))) return null;
  return refusalOfBytes(bytes);
}

/** The canonical text of an IP literal in any encoding (for connecting), or null when it is not one. */
export function canonicalIp(address: string): string | null {
  const v6 = parseIPv6(address);
  if (v6) return address.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  const v4 = parseIPv4(address);
  return v4 ? v4.join('.') : null;
}
