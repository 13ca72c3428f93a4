import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BUILD_ENTRIES } from '../../src/build-layout';

const root = fileURLToPath(new URL('../..', import.meta.url));
const read = (file: string) => readFileSync(`${root}/${file}`, 'utf8');
const dockerfile = read('Dockerfile');
const stages = dockerfile.split(/^FROM /m).slice(1);
const built = new Set(Object.keys(BUILD_ENTRIES).map((name) => `dist/${name}.js`));

// No Docker engine here to build the image, so it is held to what `npm run build` writes
// (test/integration/production-build.test.ts runs those files under plain node).
describe('the Dockerfile builds in one stage and runs compiled JavaScript in another', () => {
  it('compiles with npm run build and keeps only production dependencies', () => {
    expect(stages).toHaveLength(2);
    expect(stages[0]).toMatch(/RUN npm ci\b/);
    expect(stages[0]).toMatch(/RUN npm run build && npm prune --omit=dev/);
    expect(JSON.parse(read('package.json')).scripts.build).toBe('tsx scripts/build.ts');
  });

  it('runs the compiled API with plain node, in production mode, not as root', () => {
    const run = stages[1]!;
    expect(run).toMatch(/^ENV NODE_ENV=production$/m);
    expect(run).toMatch(/^USER node$/m);
    expect(run).toMatch(/^COPY --from=build \/app\/dist \.\/dist$/m);
    expect(run).not.toMatch(/tsx/);
    const cmd = JSON.parse(/^CMD (.+)$/m.exec(run)![1]!) as string[];
    expect(cmd[0]).toBe('node');
    expect(built).toContain(cmd[1]);
    expect(cmd[1]).toBe('dist/server.js');
  });

  it('is what docker-compose.yml builds, running each service from a compiled entry point', () => {
    const compose = parse(read('docker-compose.yml'), { merge: true }) as {
      services: Record<string, { build?: string; command?: string[] }>;
    };
    for (const [service, entry] of [
      ['migrate', 'dist/migrate.js'],
      ['api', 'dist/server.js'],
      ['worker', 'dist/worker.js'],
    ] as const) {
      expect(compose.services[service]!.build).toBe('.');
      expect(compose.services[service]!.command).toEqual(['node', entry]);
      expect(built).toContain(entry);
    }
  });
});
