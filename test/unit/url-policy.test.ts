import { describe, expect, it } from 'vitest';
import { outboundUrlProblem } from '../../src/net/url-policy';

/** [url, problem with allowPrivateNetwork=false, problem with allowPrivateNetwork=true]; undefined means allowed. */
const cases: [string, string | undefined, string | undefined][] = [
  ['https://hooks.example.com/x?y=1', undefined, undefined],
  ['https://hooks.example.com:443/x', undefined, undefined],
  ['https://hooks.example.com:8443/x', undefined, undefined],
  ['https://n8n.example.com:5678/webhook/abc', undefined, undefined],
  ['https://8.8.8.8/x', undefined, undefined],
  ['http://hooks.example.com/x', 'must use https', undefined],
  ['http://hooks.example.com:80/x', 'must use https', undefined],
  ['ftp://hooks.example.com/x', 'must use https', 'must use https or http'],
  ['file:///etc/passwd', 'must use https', 'must use https or http'],
  ['gopher://127.0.0.1:6379/_INFO', 'must use https', 'must use https or http'],
  [
    'https://user:secret@hooks.example.com/',
    'must not carry credentials',
    'must not carry credentials',
  ],
  ['https://user@hooks.example.com/', 'must not carry credentials', 'must not carry credentials'],
  [
    'https://hooks.example.com:22/',
    'must not use port 22 (use 443, 80 or 1024-65535)',
    'must not use port 22 (use 443, 80 or 1024-65535)',
  ],
  [
    'https://hooks.example.com:0/',
    'must not use port 0 (use 443, 80 or 1024-65535)',
    'must not use port 0 (use 443, 80 or 1024-65535)',
  ],
  ['https://127.0.0.1/', 'must not name a loopback address', undefined],
  ['https://127.0.0.1:9000/', 'must not name a loopback address', undefined],
  ['https://2130706433/', 'must not name a loopback address', undefined],
  ['https://0x7f.1/', 'must not name a loopback address', undefined],
  ['https://[::1]/', 'must not name a loopback address', undefined],
  ['https://[::ffff:127.0.0.1]/', 'must not name a loopback address', undefined],
  ['https://10.0.0.5/', 'must not name a private address', undefined],
  ['https://[::ffff:10.0.0.5]/', 'must not name a private address', undefined],
  ['https://100.64.1.1/', 'must not name a carrierGradeNat address', undefined],
  ['https://[fd00::5]/', 'must not name a uniqueLocal address', undefined],
  [
    'https://169.254.169.254/latest/meta-data/',
    'must not name a linkLocal address',
    'must not name a linkLocal address',
  ],
  [
    'https://[::ffff:169.254.169.254]/',
    'must not name a linkLocal address',
    'must not name a linkLocal address',
  ],
  [
    'https://[fd00:ec2::254]/',
    'must not name a metadata address',
    'must not name a metadata address',
  ],
  [
    'https://0.0.0.0/',
    'must not name a unspecified address',
    'must not name a unspecified address',
  ],
  ['https://[::]/', 'must not name a unspecified address', 'must not name a unspecified address'],
  ['https://localhost/', 'must not name the local machine', undefined],
  ['https://LOCALHOST./', 'must not name the local machine', undefined],
  ['https://api.localhost/', 'must not name the local machine', undefined],
  ['not a url', 'is not a valid URL', 'is not a valid URL'],
  ['https://[::1/', 'is not a valid URL', 'is not a valid URL'],
];

describe('outboundUrlProblem', () => {
  it.each(cases)('%s: "%s" when private networks are refused', (url, problem) => {
    expect(outboundUrlProblem(url, { allowPrivateNetwork: false })).toBe(problem);
  });

  it.each(cases)('%s: "%s", "%s" when they are allowed', (url, _problem, problemOpen) => {
    expect(outboundUrlProblem(url, { allowPrivateNetwork: true })).toBe(problemOpen);
  });
});
