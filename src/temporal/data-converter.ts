import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import type { KeyRing } from '../crypto/key-ring';
import { EncryptionCodec } from './encryption-codec';

/** For `bundleWorkflowCode({ failureConverterPath })`: workflow failures are encoded in the sandbox. */
export const FAILURE_CONVERTER_PATH = fileURLToPath(
  new URL('./failure-converter.cjs', import.meta.url),
);

/**
 * The data converter of every Temporal client and worker Errand builds: failure
 * messages moved into payloads always, and every payload sealed when there is a
 * key ring. Without one, payloads are stored as plain JSON.
 *
 * @example new Client({ connection, dataConverter: errandDataConverter(ring) })
 */
export function errandDataConverter(ring: KeyRing | undefined): DataConverter {
  return {
    failureConverterPath: FAILURE_CONVERTER_PATH,
    payloadCodecs: ring ? [new EncryptionCodec(ring)] : [],
  };
}
