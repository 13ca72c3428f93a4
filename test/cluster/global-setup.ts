import type { TestProject } from 'vitest/node';
import { startClusterEnvironment, type ClusterEnvironment } from './cluster-environment';
// The same provided values as the integration suite's, so the harness works unchanged.
import '../support/global-setup';

let environment: ClusterEnvironment | undefined;

/** A Temporal cluster on Postgres instead of the dev server, for `npm run test:cluster`. */
export async function setup(project: TestProject): Promise<void> {
  environment = await startClusterEnvironment();
  project.provide('temporalAddress', environment.temporalAddress);
  project.provide('databaseUrl', environment.databaseUrl);
  project.provide('databaseKind', process.env.ERRAND_TEST_DATABASE_URL ? 'external' : 'embedded');
  project.provide('workflowBundlePath', environment.workflowBundlePath);
  project.provide('temporalCli', environment.temporalCli);
}

export async function teardown(): Promise<void> {
  await environment?.close();
}
