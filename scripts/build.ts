// `npm run build [-- --outdir DIR]`: Errand as plain JavaScript for production, run with `node`
// and no TypeScript runner. Each entry point is bundled by esbuild with its packages left as
// imports (node_modules ships beside it); the workflows are bundled ahead of time by the
// Temporal SDK's own bundler, so a worker starts without webpack; the failure converter, which
// the SDK loads by path, and the approvals page's files are copied beside them.
import { copyFileSync, cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { build } from 'esbuild';
import { FAILURE_CONVERTER_PATH } from '../src/temporal/data-converter';
import { BUILD_ENTRIES, WORKFLOW_BUNDLE_FILE } from '../src/build-layout';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { outdir: { type: 'string', default: 'dist' } } });
// Inside the project, so the compiled files find node_modules as they would in the image.
const outdir = path.resolve(root, values.outdir);
if (!outdir.startsWith(`${root}`)) throw new Error(`--outdir must be inside ${root}`);

const began = Date.now();
rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
await build({
  entryPoints: Object.fromEntries(
    Object.entries(BUILD_ENTRIES).map(([name, file]) => [name, path.join(root, file)]),
  ),
  outdir,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
copyFileSync(FAILURE_CONVERTER_PATH, path.join(outdir, path.basename(FAILURE_CONVERTER_PATH)));
// The approvals page's static files, which the server serves from web/ beside it.
cpSync(path.join(root, 'src/api/web'), path.join(outdir, 'web'), { recursive: true });
const { code } = await bundleWorkflowCode({
  workflowsPath: path.join(root, 'src/workflows/index.ts'),
  failureConverterPath: FAILURE_CONVERTER_PATH,
  logger: new DefaultLogger('WARN'),
});
writeFileSync(path.join(outdir, WORKFLOW_BUNDLE_FILE), code);
console.log(
  `built ${Object.keys(BUILD_ENTRIES)
    .map((name) => `${path.relative(root, outdir)}/${name}.js`)
    .join(', ')} and the workflow bundle in ${((Date.now() - began) / 1000).toFixed(1)} s`,
);
