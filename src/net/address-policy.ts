import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** Which addresses outbound requests may reach. */
export interface NetworkPolicy {
  /**
   * Development only: also allow plain http and loopback, private (RFC 1918),
   * carrier-grade NAT and unique-local addresses, e.g. a webhook receiver on
   * the same machine. Link-local (cloud metadata), multicast, unspecified and
   * reserved addresses stay refused even then.
   */
  allowPrivateNetwork: boolean;
}

/**
 * Cloud metadata services inside ranges allowPrivateNetwork opens (AWS's IPv6
 * one is unique-local, Alibaba's carrier-grade NAT); the usual 169.254.169.254
 * is link-local, refused anyway.
 */
const METADATA_ADDRESSES = new Set(['fd00:ec2::254', '100.100.100.200']);

/** The ranges allowPrivateNetwork opens, as ipaddr.js names them. */
const PRIVATE_RANGES = new Set(['loopback', 'private', 'carrierGradeNat', 'uniqueLocal']);

// IANA's global unicast block; ipaddr.js calls anything it does not know "unicast",
// including the deprecated IPv4-compatible ::a.b.c.d, so IPv6 must also fall in here.
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

/**
 * Why an outbound request may not connect to `address` (the ipaddr.js name of
 * its range, such as `loopback` or `linkLocal`), or undefined when it may.
 * IPv4-mapped IPv6 addresses are judged as the IPv4 address they carry.
 *
 * @example refusedRange('169.254.169.254', { allowPrivateNetwork: false }) // 'linkLocal'
 */
export function refusedRange(address: string, policy: NetworkPolicy): string | undefined {
  // node:net's strict reading, the one a socket uses; ipaddr.js also takes forms like 127.1.
  if (isIP(address) === 0) return 'invalid';
  let parsed = ipaddr.parse(withoutDottedTail(address));
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  if (METADATA_ADDRESSES.has(parsed.toString())) return 'metadata';
  const range = parsed.range();
  if (range === 'unicast') {
    if (parsed.kind() === 'ipv6' && !parsed.match(GLOBAL_UNICAST_V6)) return 'reserved';
    return undefined;
  }
  if (policy.allowPrivateNetwork && PRIVATE_RANGES.has(range)) return undefined;
  return range;
}

/**
 * `::a.b.c.d` in hex. ipaddr.js reads every dotted IPv6 tail as IPv4-mapped,
 * but `::127.0.0.1` is the deprecated IPv4-compatible `::7f00:1` (how
 * getaddrinfo prints it); the WHATWG URL parser writes it as a socket reads it.
 */
function withoutDottedTail(address: string): string {
  if (!address.includes(':') || !address.includes('.')) return address;
  const [bare, zone] = address.split('%');
  const hex = new URL(`http://[${bare}]/`).hostname.slice(1, -1);
  return zone === undefined ? hex : `${hex}%${zone}`;
}
