import type { Payload, PayloadCodec } from '@temporalio/common';
import express, { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { OpenError } from '../crypto/key-ring';
import { HttpError } from './http-error';
import { parseBody } from './parse-body';
import { requireJson } from './require-json';

/** A codec request's size: a history's payloads are sent a few at a time, each up to Temporal's 2 MB. */
export const CODEC_BODY_LIMIT = '4mb';
export const CODEC_MAX_PAYLOADS = 1000;

const base64 = z.base64();
export const body = z.object({
  payloads: z
    .array(
      z.object({
        metadata: z.record(z.string().max(256), base64).optional(),
        data: base64.optional(),
      }),
    )
    .max(CODEC_MAX_PAYLOADS),
});

export interface CodecRoutesDeps {
  /** The encryption codec; undefined when ERRAND_ENCRYPTION_KEYS is unset. */
  codec?: PayloadCodec;
  /** The Temporal namespace Errand's workflows run in; X-Namespace, when sent, must name it. */
  namespace: string;
}

/**
 * Temporal's remote codec protocol, for the Web UI and the `temporal` CLI:
 * POST /codec/encode and /codec/decode take and answer Payloads as protobuf
 * JSON (`{"payloads":[{"metadata":{"encoding":"<base64>"},"data":"<base64>"}]}`).
 * Authentication and who may call (the operator key) are applied before these run.
 */
export function codecRoutes(deps: CodecRoutesDeps): Router {
  const router = Router();
  for (const direction of ['encode', 'decode'] as const) {
    router.post(`/codec/${direction}`, requireJson, async (req, res) => {
      // The temporal CLI sends an empty X-Namespace when given no --namespace.
      const namespace = req.header('x-namespace');
      if (namespace && namespace !== deps.namespace) {
        throw new HttpError(400, 'invalid_request', 'the request is invalid', [
          { path: 'x-namespace', message: `this codec serves namespace ${deps.namespace}` },
        ]);
      }
      const { payloads } = parseBody(body, req.body);
      if (!deps.codec) {
        throw new HttpError(
          409,
          'not_configured',
          'ERRAND_ENCRYPTION_KEYS is unset: this deployment stores payloads unencrypted',
        );
      }
      const input = payloads.map(fromJson);
      let output: Payload[];
      try {
        output = await deps.codec[direction](input);
      } catch (err) {
        if (!(err instanceof OpenError)) throw err;
        throw new HttpError(400, 'undecodable', err.message, [
          { path: 'payloads', message: err.message },
        ]);
      }
      res.json({ payloads: output.map(toJson) });
    });
  }
  return router;
}

/** The body parser for /codec, whose bodies may be larger than the API's. */
export const codecBodyParser: RequestHandler = express.json({
  limit: CODEC_BODY_LIMIT,
  strict: true,
});

/**
 * CORS for the Web UI at `origin`: a preflight from it is answered before
 * authentication (a browser sends no credential with one), and every answer to
 * it, refusals included, says it may read the response.
 */
export function codecCors(origin: string): RequestHandler {
  return (req, res, next) => {
    res.vary('Origin');
    if (req.header('origin') !== origin) {
      next();
      return;
    }
    res.set('Access-Control-Allow-Origin', origin);
    if (req.method === 'OPTIONS' && req.header('access-control-request-method')) {
      res
        .set('Access-Control-Allow-Methods', 'POST')
        .set('Access-Control-Allow-Headers', 'Authorization, Content-Type, X-Namespace')
        .set('Access-Control-Max-Age', '600')
        .status(204)
        .end();
      return;
    }
    next();
  };
}

type JsonPayload = z.output<typeof body>['payloads'][number];

function fromJson(p: JsonPayload): Payload {
  return {
    metadata: Object.fromEntries(
      Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')]),
    ),
    data: Buffer.from(p.data ?? '', 'base64'),
  };
}

function toJson(p: Payload): JsonPayload {
  return {
    metadata: Object.fromEntries(
      Object.entries(p.metadata ?? {}).map(([k, v]) => [
        k,
        Buffer.from(v ?? []).toString('base64'),
      ]),
    ),
    data: Buffer.from(p.data ?? []).toString('base64'),
  };
}
