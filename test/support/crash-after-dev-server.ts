/**
 * Starts a Temporal dev server, prints its pid, then dies of an uncaught
 * error, as `npm start` did when its database went away.
 */
import { startDevServer } from '../../src/temporal/dev-server';

const server = await startDevServer({
  executable: process.env.TEMPORAL_CLI!,
  port: Number(process.env.PORT),
  uiPort: null,
});
console.log(`DEV_SERVER_PID=${server.process.pid}`);
setTimeout(() => {
  throw new Error('crash on purpose');
}, 100);
