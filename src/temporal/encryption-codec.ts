import type { Payload, PayloadCodec } from '@temporalio/common';
// A default import: under Node's own ESM loader the CommonJS package has no named exports.
import proto from '@temporalio/proto';
import { open, seal, type KeyRing } from '../crypto/key-ring';
import { isReadableSummary } from './readable-summaries';

/** The encoding of a payload this codec sealed. */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** The metadata key naming the key ring entry that sealed a payload. */
export const KEY_ID_METADATA = 'encryption-key-id';

const ProtoPayload = proto.temporal.api.common.v1.Payload;
// Binds sealed payloads to this use, so a value the same ring sealed elsewhere
// (a tenant's stored credential) never opens as a payload, nor the other way round.
const AAD = new TextEncoder().encode('errand temporal payload v1');
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const MAX_SUMMARY_BYTES = 4096;

/**
 * Seals every payload under the ring's current key (AES-256-GCM): the whole
 * serialized Payload, its metadata included, becomes the data of a
 * `binary/encrypted` payload that names its key. Decoding opens those with
 * whichever key sealed them and passes every other payload through, so
 * histories written before encryption still replay. The one exception on
 * encode is a summary of the shapes in readable-summaries.ts, which stays
 * plain for the Web UI and by construction holds no personal data.
 *
 * @example new Client({ connection, dataConverter: { payloadCodecs: [new EncryptionCodec(ring)] } })
 */
export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly ring: KeyRing) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (isSummaryPayload(payload)) return payload;
      const sealed = seal(this.ring, ProtoPayload.encode(payload).finish(), AAD);
      return {
        metadata: {
          encoding: encoder.encode(ENCRYPTED_ENCODING),
          [KEY_ID_METADATA]: encoder.encode(sealed.kid),
        },
        data: sealed.data,
      };
    });
  }

  /** Throws OpenError for a sealed payload whose key is unknown or whose data was changed. */
  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (!isEncrypted(payload)) return payload;
      const kid = decoder.decode(payload.metadata?.[KEY_ID_METADATA] ?? new Uint8Array());
      const plain = open(this.ring, { kid, data: Buffer.from(payload.data ?? []) }, AAD);
      const { metadata, data } = ProtoPayload.decode(plain);
      return { metadata, data };
    });
  }
}

/** Whether this codec sealed `payload`. */
export function isEncrypted(payload: Payload): boolean {
  const encoding = payload.metadata?.encoding;
  return encoding !== undefined && decoder.decode(encoding) === ENCRYPTED_ENCODING;
}

function isSummaryPayload(payload: Payload): boolean {
  const encoding = payload.metadata?.encoding;
  if (!encoding || decoder.decode(encoding) !== 'json/plain' || !payload.data) return false;
  // Only a JSON string can be a summary; anything longer than one is not worth parsing.
  if (payload.data.length > MAX_SUMMARY_BYTES || payload.data[0] !== 0x22) return false;
  try {
    const value: unknown = JSON.parse(decoder.decode(payload.data));
    return typeof value === 'string' && isReadableSummary(value);
  } catch {
    return false;
  }
}
