import { describe, expect, it } from 'vitest';
import { refusedRange } from '../../src/net/address-policy';

const closed = { allowPrivateNetwork: false };
const open = { allowPrivateNetwork: true };

/** [address, refused with allowPrivateNetwork=false, refused with allowPrivateNetwork=true]; undefined means allowed. */
const cases: [string, string | undefined, string | undefined][] = [
  ['8.8.8.8', undefined, undefined],
  ['93.184.216.34', undefined, undefined],
  ['172.32.0.1', undefined, undefined],
  ['2606:4700:4700::1111', undefined, undefined],
  ['::ffff:8.8.8.8', undefined, undefined],
  ['127.0.0.1', 'loopback', undefined],
  ['127.255.255.254', 'loopback', undefined],
  ['10.0.0.1', 'private', undefined],
  ['172.16.0.1', 'private', undefined],
  ['172.31.255.255', 'private', undefined],
  ['192.168.1.1', 'private', undefined],
  ['100.64.0.1', 'carrierGradeNat', undefined],
  ['::1', 'loopback', undefined],
  ['fc00::1', 'uniqueLocal', undefined],
  ['fd12:3456::1', 'uniqueLocal', undefined],
  ['::ffff:127.0.0.1', 'loopback', undefined],
  ['::ffff:7f00:1', 'loopback', undefined],
  ['::ffff:10.0.0.1', 'private', undefined],
  ['::ffff:192.168.0.1', 'private', undefined],
  // Refused whatever the policy.
  ['169.254.169.254', 'linkLocal', 'linkLocal'],
  ['169.254.0.1', 'linkLocal', 'linkLocal'],
  ['::ffff:169.254.169.254', 'linkLocal', 'linkLocal'],
  ['fd00:ec2::254', 'metadata', 'metadata'],
  ['100.100.100.200', 'metadata', 'metadata'],
  ['fe80::1', 'linkLocal', 'linkLocal'],
  ['fe80::1%eth0', 'linkLocal', 'linkLocal'],
  ['0.0.0.0', 'unspecified', 'unspecified'],
  ['0.1.2.3', 'unspecified', 'unspecified'],
  ['::', 'unspecified', 'unspecified'],
  ['::ffff:0.0.0.0', 'unspecified', 'unspecified'],
  ['224.0.0.1', 'multicast', 'multicast'],
  ['239.255.255.250', 'multicast', 'multicast'],
  ['ff02::1', 'multicast', 'multicast'],
  ['255.255.255.255', 'broadcast', 'broadcast'],
  ['240.0.0.1', 'reserved', 'reserved'],
  ['192.0.2.1', 'reserved', 'reserved'],
  ['198.18.0.1', 'reserved', 'reserved'],
  ['2001:db8::1', 'reserved', 'reserved'],
  // IPv6 forms that carry an IPv4 address, or sit outside global unicast.
  ['::7f00:1', 'reserved', 'reserved'],
  ['::127.0.0.1', 'reserved', 'reserved'],
  ['64:ff9b::7f00:1', 'rfc6052', 'rfc6052'],
  ['2002:7f00:1::1', '6to4', '6to4'],
  ['2001::1', 'teredo', 'teredo'],
  ['::ffff:0:7f00:1', 'rfc6145', 'rfc6145'],
  ['4000::1', 'reserved', 'reserved'],
  // Not addresses a socket would take as written.
  ['127.1', 'invalid', 'invalid'],
  ['0x7f000001', 'invalid', 'invalid'],
  ['localhost', 'invalid', 'invalid'],
  ['', 'invalid', 'invalid'],
];

describe('refusedRange', () => {
  it.each(cases)('%s: %s when private networks are refused', (address, refused) => {
    expect(refusedRange(address, closed)).toBe(refused);
  });

  it.each(cases)('%s: %s, %s when they are allowed', (address, _refused, refusedOpen) => {
    expect(refusedRange(address, open)).toBe(refusedOpen);
  });
});
