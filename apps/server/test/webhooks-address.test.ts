import { describe, expect, it } from 'vitest';
import { canonicalIp, parseIPv4, parseIPv6, refusalOf } from '../src/platform/webhooks/address.js';
import { deliverWebhook } from '../src/platform/webhooks/deliver.js';

// Every way of writing an address a webhook must never reach. Each is checked as a bare literal and inside a URL
// handed to the delivery client (whose URL parser normalizes some forms first), which must refuse before connecting.
const HOSTILE: Array<[string, string]> = [
  // IPv4 loopback in every inet_aton encoding
  ['127.0.0.1', 'loopback'],
  ['127.1', 'loopback'],
  ['127.0.1', 'loopback'],
  ['2130706433', 'loopback'],
  ['0177.0.0.1', 'loopback'],
  ['0177.1', 'loopback'],
  ['017700000001', 'loopback'],
  ['0x7f.1', 'loopback'],
  ['0x7f.0.0.1', 'loopback'],
  ['0x7f000001', 'loopback'],
  ['0X7F.0X0.0X0.0X1', 'loopback'],
  ['127.255.255.254', 'loopback'],
  ['127.0.0.1.', 'loopback'],
  // unspecified, private, CGNAT, link-local, metadata
  ['0.0.0.0', 'unspecified'],
  ['0', 'unspecified'],
  ['0x0', 'unspecified'],
  ['10.0.0.1', 'private'],
  ['012.1', 'private'],
  ['167772161', 'private'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['192.168.1.1', 'private'],
  ['0xc0.0xa8.1.1', 'private'],
  ['100.64.0.1', 'CGNAT'],
  ['100.100.100.200', 'CGNAT'],
  ['169.254.169.254', 'metadata'],
  ['2852039166', 'metadata'],
  ['0251.0376.0251.0376', 'metadata'],
  ['0xa9fea9fe', 'metadata'],
  ['168.63.129.16', 'metadata'],
  ['192.0.0.192', 'IETF'],
  // multicast, reserved, broadcast, documentation, benchmarking
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast'],
  ['240.0.0.1', 'reserved'],
  ['255.255.255.255', 'reserved'],
  ['192.0.2.1', 'documentation'],
  ['198.51.100.7', 'documentation'],
  ['203.0.113.9', 'documentation'],
  ['198.18.0.1', 'benchmarking'],
  ['192.88.99.1', '6to4 relay'],
  // IPv6
  ['::', 'unspecified'],
  ['::1', 'loopback'],
  ['[::1]', 'loopback'],
  ['0:0:0:0:0:0:0:1', 'loopback'],
  ['fe80::1', 'link-local'],
  ['fe80::1%eth0', 'link-local'],
  ['fc00::1', 'unique local'],
  ['fd00:ec2::254', 'unique local'],
  ['ff02::1', 'multicast'],
  ['fec0::1', 'site-local'],
  ['2001:db8::1', 'documentation'],
  ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'Teredo'],
  ['100::1', 'discard'],
  ['64:ff9b:1::1', 'NAT64'],
  ['4000::1', 'not IPv6 global unicast'],
  // IPv6 carrying a forbidden IPv4 address
  ['::ffff:127.0.0.1', 'loopback, carried'],
  ['::ffff:7f00:1', 'loopback, carried'],
  ['[::ffff:169.254.169.254]', 'metadata), carried'],
  ['::ffff:a9fe:a9fe', 'metadata), carried'],
  ['::127.0.0.1', 'loopback, carried'],
  ['::a00:1', 'private, carried'],
  ['::ffff:0:10.0.0.1', 'private, carried'],
  ['64:ff9b::127.0.0.1', 'loopback, carried'],
  ['64:ff9b::a9fe:a9fe', 'metadata), carried'],
  ['64:ff9b::c0a8:101', 'private, carried'],
  ['2002:7f00:1::', 'loopback, carried'],
  ['2002:a9fe:a9fe::1', 'metadata), carried'],
  ['2002:c0a8:101::', 'private, carried'],
  ['2002:0a00:0001:1234::5', 'private, carried'],
];

const PUBLIC = [
  '93.184.216.34',
  '8.8.8.8',
  '1.1.1.1',
  '172.32.0.1',
  '100.128.0.1',
  '2606:4700:4700::1111',
  '2a00:1450:4001:80b::200e',
  '::ffff:8.8.8.8',
  '64:ff9b::808:808',
  '2002:808:808::1',
];

describe('SSRF guard: addresses', () => {
  it('reads IPv4 literals in every inet_aton encoding', () => {
    for (const s of ['127.0.0.1', '127.1', '127.0.1', '2130706433', '0177.0.0.1', '0x7f.1', '0x7f000001', '0177.1']) {
      expect(parseIPv4(s), s).toEqual([127, 0, 0, 1]);
    }
    expect(parseIPv4('1.2.65535')).toEqual([1, 2, 255, 255]);
    for (const s of [
      '256.0.0.1',
      '1.2.3.4.5',
      '08.1.1.1',
      '4294967296',
      '1.2.65536',
      'example.com',
      '',
      '1..1',
      '-1',
    ]) {
      expect(parseIPv4(s), s).toBeNull();
    }
  });

  it('reads IPv6 literals, with embedded IPv4, brackets and zone ids', () => {
    expect(parseIPv6('::ffff:127.0.0.1')).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 127, 0, 0, 1]);
    expect(parseIPv6('[2001:db8::1]')).toEqual([32, 1, 13, 184, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(parseIPv6('fe80::1%eth0')?.slice(0, 2)).toEqual([254, 128]);
    expect(parseIPv6('127.0.0.1')).toBeNull();
    expect(parseIPv6('::g')).toBeNull();
    expect(canonicalIp('0x7f.1')).toBe('127.0.0.1');
    expect(canonicalIp('[::1]')).toBe('::1');
    expect(canonicalIp('example.com')).toBeNull();
  });

  it(`refuses ${HOSTILE.length} hostile literals, naming why`, () => {
    for (const [address, why] of HOSTILE) expect(refusalOf(address), address).toContain(why);
  });

  it('lets public addresses through, and refuses names that were not resolved first', () => {
    for (const address of PUBLIC) expect(refusalOf(address), address).toBeNull();
    expect(refusalOf('localhost')).toBe('not an IP address');
    expect(refusalOf('example.com')).toBe('not an IP address');
  });

  it('allows only what an explicit allow-list names', () => {
    expect(refusalOf('127.0.0.1', ['127.0.0.1/32'])).toBeNull();
    expect(refusalOf('::ffff:127.0.0.1', ['127.0.0.1/32'])).toBeNull();
    expect(refusalOf('127.0.0.2', ['127.0.0.1/32'])).toContain('loopback');
    expect(refusalOf('10.1.2.3', ['10.0.0.0/8'])).toBeNull();
    expect(refusalOf('169.254.169.254', ['10.0.0.0/8'])).toContain('metadata');
  });

  it('refuses every hostile literal inside a URL before connecting', async () => {
    for (const [address, why] of HOSTILE) {
      const host = address.includes(':') && !address.startsWith('[') ? `[${address.replace('%', '%25')}]` : address;
      const r = await deliverWebhook({ url: `http://${host}:9/hook`, headers: {}, body: '{}' });
      expect(r.error, `${host}: ${r.message}`).toBe('refused');
      // URLs cannot carry an IPv6 zone id: those are refused as not a URL at all.
      expect(r.message, host).toContain(address.includes('%') ? 'not a URL' : why);
    }
  });

  it('refuses localhost names, resolved by the system resolver, before connecting', async () => {
    for (const name of ['localhost', 'LOCALHOST', 'LocalHost']) {
      const r = await deliverWebhook({ url: `http://${name}:9/hook`, headers: {}, body: '{}' });
      expect(r.error, `${name}: ${r.message}`).toBe('refused');
      expect(r.message, name).toContain('loopback');
    }
  });

  it('refuses a name whatever hostile address its DNS answer carries, in any of the forms above', async () => {
    const carried = HOSTILE.map(([address]) => canonicalIp(address)).filter((a): a is string => a !== null);
    expect(carried.length).toBeGreaterThanOrEqual(50);
    for (const address of carried) {
      const r = await deliverWebhook(
        { url: 'http://hooks.example:9/hook', headers: {}, body: '{}' },
        { resolve: async () => ['93.184.216.34', address] },
      );
      expect(r.error, `${address}: ${r.message}`).toBe('refused');
    }
  });
});
