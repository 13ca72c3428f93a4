/**
 * What `npm run build` compiles: each entry point becomes `dist/<name>.js`, run with plain
 * `node` (the Dockerfile and docker-compose.yml name these files).
 */
export const BUILD_ENTRIES = {
  server: 'src/api/server.ts',
  worker: 'src/worker.ts',
  migrate: 'src/db/migrate-cli.ts',
  errand: 'src/cli/main.ts',
} as const;

/** The workflows, bundled ahead of time beside the worker, which loads them from there. */
export const WORKFLOW_BUNDLE_FILE = 'workflow-bundle.js';
