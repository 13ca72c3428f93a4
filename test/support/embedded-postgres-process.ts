/**
 * Starts the embedded Postgres on DATA_DIR in a process of its own, so a test
 * can kill -9 its owner. Prints `READY <port> <pid>`; with EXIT=1 it then exits
 * through process.exit without calling stop, as an error path would.
 */
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres';

const dataDir = process.env.DATA_DIR;
if (!dataDir) throw new Error('DATA_DIR is required');
const server = await startEmbeddedPostgres({ dataDir, fast: true });
console.log(`READY ${server.port} ${server.pid}`);
if (process.env.EXIT === '1') process.exit(1);
setInterval(() => undefined, 60_000);
