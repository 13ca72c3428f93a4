import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createJwtVerifier,
  JWKS_ALGORITHMS,
  JwksUnavailableError,
  SECRET_ALGORITHMS,
  type JwtConfig,
} from '../../src/auth/jwt-verifier';
import { createOutboundGet } from '../../src/net/outbound-http';
import { startHarness, type Harness } from '../support/harness';

// The API's clock: every token is judged against it, never against the wall clock.
const NOW = new Date('2030-06-01T12:00:00Z');
const NOW_S = Math.floor(NOW.getTime() / 1000);
const SECRET = 'jwt-secret-for-tests-jwt-secret-for-tests-0001';
const ISSUER = 'https://id.example.com/';
const AUDIENCE = 'errand-api';

const config = (key: JwtConfig['key'], algorithms: readonly string[]): JwtConfig => ({
  key,
  algorithms,
  issuer: ISSUER,
  audience: AUDIENCE,
  claims: { tenant: 'tenant', roles: 'roles' },
  clockToleranceSeconds: 30,
});
const loopbackGet = createOutboundGet({
  allowPrivateNetwork: true,
  timeoutMs: 2_000,
  maxResponseBytes: 64 * 1024,
});

let h: Harness;
let jwksApi: Harness;
let jwks: Server;
let jwksUrl: string;
let rsa: { publicKey: CryptoKey; privateKey: CryptoKey };
let ec: { publicKey: CryptoKey; privateKey: CryptoKey };

beforeAll(async () => {
  rsa = await generateKeyPair('RS256');
  ec = await generateKeyPair('ES256');
  const rsaPublic = await exportJWK(rsa.publicKey);
  const ecPublic = await exportJWK(ec.publicKey);
  const body = JSON.stringify({
    keys: [
      { ...rsaPublic, kid: 'rsa-1', alg: 'RS256', use: 'sig' },
      { ...ecPublic, kid: 'ec-1', alg: 'ES256', use: 'sig' },
    ],
  });
  jwks = createServer((req, res) => {
    if (req.url === '/jwks.json')
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    else res.writeHead(302, { location: '/jwks.json' }).end();
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(jwks.address() as { port: number }).port}/jwks.json`;
  h = await startHarness({
    now: () => NOW,
    jwt: createJwtVerifier(config({ secret: SECRET }, SECRET_ALGORITHMS), loopbackGet),
  });
  jwksApi = await startHarness({
    now: () => NOW,
    worker: false,
    tenantId: h.tenant.id,
    jwt: createJwtVerifier(config({ jwksUrl }, JWKS_ALGORITHMS), loopbackGet),
  });
});
afterAll(async () => {
  await jwksApi?.close();
  await h?.close();
  await new Promise((resolve) => jwks?.close(resolve));
});

const claims = (over: JWTPayload = {}): JWTPayload => ({
  iss: ISSUER,
  aud: AUDIENCE,
  sub: 'ana@example.com',
  tenant: h.tenant.id,
  roles: ['viewer'],
  iat: NOW_S - 60,
  exp: NOW_S + 600,
  ...over,
});

const hs256 = (payload: JWTPayload, secret = SECRET, alg = 'HS256') =>
  new SignJWT(payload).setProtectedHeader({ alg }).sign(new TextEncoder().encode(secret));

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

const call = (api: Harness, token: string, method = 'GET', path = '/v1/plans', body?: unknown) =>
  api.raw(method, path, body, { authorization: `Bearer ${token}` });

describe('JWT bearer tokens', () => {
  it('accepts a valid HS256 token: its tenant, its user, its highest role', async () => {
    const token = await hs256(claims({ roles: ['viewer', 'approver', 'superuser'] }));
    const list = await call(h, token);
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    // approver, not admin: settings stay out of reach; approve is within it (404: no such plan).
    expect((await call(h, token, 'PUT', '/v1/settings', {})).status).toBe(403);
    const approve = await call(h, token, 'POST', `/v1/plans/${crypto.randomUUID()}/approve`, {});
    expect(approve.status).toBe(404);
  });

  it('accepts a token expired less than the clock tolerance ago', async () => {
    const token = await hs256(claims({ exp: NOW_S - 20 }));
    expect((await call(h, token)).status).toBe(200);
  });

  const refusals: [string, () => Promise<string>][] = [
    ['alg none', async () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`],
    ['expired', () => hs256(claims({ exp: NOW_S - 31 }))],
    ['not yet valid', () => hs256(claims({ nbf: NOW_S + 60 }))],
    ['without exp', () => hs256(claims({ exp: undefined }))],
    ['of the wrong audience', () => hs256(claims({ aud: 'another-api' }))],
    ['of the wrong issuer', () => hs256(claims({ iss: 'https://evil.example.com/' }))],
    ['wrongly signed', () => hs256(claims(), 'another-secret-another-secret-another-0001')],
    [
      'signed with an algorithm not allowed',
      async () => {
        const key = new TextEncoder().encode(SECRET);
        return new SignJWT(claims())
          .setProtectedHeader({ alg: 'HS256' })
          .sign(key)
          .then((t) => {
            const [, payload, signature] = t.split('.');
            return `${b64({ alg: 'RS256' })}.${payload}.${signature}`;
          });
      },
    ],
    ['of an unknown tenant', () => hs256(claims({ tenant: 'no-such-tenant' }))],
    ['without a tenant', () => hs256(claims({ tenant: undefined }))],
    ['without sub', () => hs256(claims({ sub: undefined }))],
    ['with an empty sub', () => hs256(claims({ sub: ' ' }))],
    ['malformed', async () => 'not.a.jwt'],
  ];
  it.each(refusals)('refuses a token %s with the one generic 401', async (_name, make) => {
    const res = await call(h, await make());
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(res.body.error).toMatchObject({
      code: 'unauthenticated',
      message: 'a valid API key is required: send Authorization: Bearer <key>',
    });
  });

  it('refuses a valid token that names no Errand role with 403, naming the claim', async () => {
    for (const roles of [undefined, [], ['superuser'], 'owner']) {
      const res = await call(h, await hs256(claims({ roles })));
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
      expect(res.body.error.message).toContain('roles claim names no Errand role');
    }
  });

  it('takes a roles claim that is one string of space-separated roles', async () => {
    const token = await hs256(claims({ roles: 'viewer submitter' }));
    const res = await call(h, token, 'POST', '/v1/plans', { intent: 'x', actions: [] });
    expect(res.status).toBe(400); // past the role check: a submitter's plan, refused as invalid
  });

  it('acts only for its own tenant: another tenant’s plan is 404 to its admin', async () => {
    const plan = await h.api('POST', '/v1/plans', {
      intent: 'victim',
      require_approval: true,
      actions: [{ type: 'send_email', params: { to: ['v@example.com'], subject: 's', body: 'b' } }],
    });
    expect(plan.status).toBe(201);
    const foreign = await h.newTenant();
    const token = await hs256(claims({ tenant: foreign.id, roles: ['admin'] }));
    for (const [method, path, body] of [
      ['GET', `/v1/plans/${plan.body.plan_id}`],
      ['POST', `/v1/plans/${plan.body.plan_id}/approve`, {}],
      ['POST', `/v1/plans/${plan.body.plan_id}/cancel`],
    ] as const) {
      expect((await call(h, token, method, path, body)).status, `${method} ${path}`).toBe(404);
    }
    const list = await call(h, token);
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).not.toContain(plan.body.plan_id);
  });

  it('still takes API keys when JWTs are on', async () => {
    expect((await h.apiAs('viewer', 'GET', '/v1/plans')).status).toBe(200);
  });
});

describe('JWT bearer tokens verified against a JWKS', () => {
  const signed = (key: CryptoKey, alg: string, kid: string, payload = claims()) =>
    new SignJWT(payload).setProtectedHeader({ alg, kid }).sign(key);

  it('accepts RS256 and ES256 tokens whose keys the JWKS serves', async () => {
    for (const token of [
      await signed(rsa.privateKey, 'RS256', 'rsa-1'),
      await signed(ec.privateKey, 'ES256', 'ec-1'),
    ]) {
      const res = await call(jwksApi, token);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
  });

  it('refuses a token of a key the JWKS does not hold, and an HS256 token', async () => {
    const stranger = await generateKeyPair('RS256');
    for (const token of [
      await signed(stranger.privateKey, 'RS256', 'rsa-1'),
      await signed(stranger.privateKey, 'RS256', 'unknown-kid'),
      await hs256(claims()),
    ]) {
      const res = await call(jwksApi, token);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    }
  });

  it('fetches the JWKS only through the network policy, and follows no redirect', async () => {
    const token = await signed(rsa.privateKey, 'RS256', 'rsa-1');
    const strict = createJwtVerifier(
      config({ jwksUrl }, JWKS_ALGORITHMS),
      createOutboundGet({ allowPrivateNetwork: false, timeoutMs: 2_000, maxResponseBytes: 65_536 }),
    );
    await expect(strict.verify(token, NOW)).rejects.toBeInstanceOf(JwksUnavailableError);
    const redirected = createJwtVerifier(
      config({ jwksUrl: jwksUrl.replace('/jwks.json', '/moved') }, JWKS_ALGORITHMS),
      loopbackGet,
    );
    await expect(redirected.verify(token, NOW)).rejects.toBeInstanceOf(JwksUnavailableError);
    const tiny = createJwtVerifier(
      config({ jwksUrl }, JWKS_ALGORITHMS),
      createOutboundGet({ allowPrivateNetwork: true, timeoutMs: 2_000, maxResponseBytes: 100 }),
    );
    await expect(tiny.verify(token, NOW)).rejects.toBeInstanceOf(JwksUnavailableError);
  });
});
