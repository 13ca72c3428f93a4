import { isIP } from 'node:net';
import { refusedRange, type NetworkPolicy } from './address-policy';

/** Ports below 1024 other than these are other services' (ssh, smtp, …), never a webhook's. */
const WEB_PORTS = new Set([80, 443]);

/**
 * Why `raw` may not be the target of an outbound request, or undefined when it
 * may. It reads the URL only: a host name is checked against the policy when
 * it is resolved at connect time, where DNS cannot answer differently later.
 *
 * @example outboundUrlProblem('http://hooks.example.com/x', { allowPrivateNetwork: false }) // 'must use https'
 */
export function outboundUrlProblem(raw: string, policy: NetworkPolicy): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'is not a valid URL';
  }
  const schemes = policy.allowPrivateNetwork ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(url.protocol)) {
    return policy.allowPrivateNetwork ? 'must use https or http' : 'must use https';
  }
  if (url.username || url.password) return 'must not carry credentials';
  if (url.port) {
    const port = Number(url.port);
    if (port === 0 || (port < 1024 && !WEB_PORTS.has(port))) {
      return `must not use port ${port} (use 443, 80 or 1024-65535)`;
    }
  }
  const host = urlHost(url);
  if (isIP(host)) {
    const range = refusedRange(host, policy);
    return range ? `must not name a ${range} address` : undefined;
  }
  if (!policy.allowPrivateNetwork && (host === 'localhost' || host.endsWith('.localhost'))) {
    return 'must not name the local machine';
  }
  return undefined;
}

/** The host to connect to: brackets off IPv6 literals, the root's trailing dot off names. */
export function urlHost(url: URL): string {
  const host = url.hostname.toLowerCase();
  if (host.startsWith('[')) return host.slice(1, -1);
  return host.endsWith('.') ? host.slice(0, -1) : host;
}
