import { promises as dns, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { refusedRange, type NetworkPolicy } from './address-policy';
import { OutboundRequestError } from './outbound-request-error';

/** Resolves a host name to every address it has. */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

/** The system resolver (getaddrinfo, so /etc/hosts too), every address, in its order. */
export const systemResolver: Resolver = (hostname) =>
  dns.lookup(hostname, { all: true, order: 'verbatim' });

/**
 * A `lookup` for node:net that refuses a host when any address it resolves to
 * is against the policy. The socket connects only to addresses this returned,
 * so a name that resolves to a public address when saved and to a private one
 * later (DNS rebinding) is refused at connect time.
 */
export function guardedLookup(policy: NetworkPolicy, resolve: Resolver): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (addresses) => {
        for (const { address } of addresses) {
          const range = refusedRange(address, policy);
          if (range) {
            callback(
              new OutboundRequestError('refused', `${hostname} resolves to a ${range} address`),
              '',
            );
            return;
          }
        }
        const family = familyNumber(options.family);
        const usable = family ? addresses.filter((a) => a.family === family) : addresses;
        const first = usable[0];
        if (!first) {
          const error: NodeJS.ErrnoException = new Error(`${hostname} has no address`);
          error.code = 'ENOTFOUND';
          callback(error, '');
        } else if (options.all) callback(null, usable);
        else callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
}

function familyNumber(family: number | string | undefined): number {
  if (family === 'IPv4' || family === 4) return 4;
  if (family === 'IPv6' || family === 6) return 6;
  return 0;
}
