import { createServer } from 'node:net';

/** The longest the SDK's own exporter may take to answer a scrape, and the most text kept. */
const SDK_SCRAPE_MS = 2_000;
const SDK_SCRAPE_MAX_BYTES = 4 * 1024 * 1024;

let sdkAddress: string | undefined;

/**
 * Where the Temporal SDK's Prometheus exporter listens in this process: the configured address,
 * else a free loopback port found now. Only the runtime's installation calls it, once.
 */
export async function chooseSdkMetricsAddress(configured: string | undefined): Promise<string> {
  sdkAddress = configured ?? `127.0.0.1:${await freeLoopbackPort()}`;
  return sdkAddress;
}

/**
 * The SDK's series (worker slots, task latencies, polls, sticky cache…), read from its exporter
 * so that one scrape of Errand's /metrics has them too. Empty when this process runs no worker
 * runtime, or when the exporter does not answer in time.
 */
export async function readSdkMetrics(): Promise<string> {
  if (!sdkAddress) return '';
  const host = sdkAddress.replace(/^0\.0\.0\.0:/, '127.0.0.1:');
  try {
    const answer = await fetch(`http://${host}/metrics`, {
      redirect: 'manual',
      signal: AbortSignal.timeout(SDK_SCRAPE_MS),
    });
    if (!answer.ok || !answer.body) return '';
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of answer.body) {
      size += chunk.length;
      if (size > SDK_SCRAPE_MAX_BYTES) return '';
      chunks.push(Buffer.from(chunk));
    }
    return Buffer.concat(chunks).toString('utf8');
  } catch {
    return '';
  }
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
