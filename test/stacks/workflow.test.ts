import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'cdktf';
import { parse } from 'yaml';
import { buildPlatform, deploymentOrder } from '../../stacks';
import { validConfig } from '../helpers/platform';

/* eslint-disable @typescript-eslint/no-explicit-any */
const workflow = parse(readFileSync(join(__dirname, '../../.github/workflows/infra.yml'), 'utf8')) as {
  jobs: Record<string, any>;
  env: Record<string, string>;
};

/** The app's stacks and their dependencies, as synth would write them into manifest.json. */
function stackDependencies() {
  const app = new App({ stackTraces: false });
  const { continents, workloads, global } = buildPlatform(app, validConfig, { compliance: false });
  return Object.fromEntries(
    [...continents, ...workloads, global].map((s) => [s.node.id, { dependencies: s.dependencies.map((d) => d.node.id) }]),
  );
}

const deployJobs = ['deploy-foundation', 'deploy-services', 'deploy-applications'];

describe('.github/workflows/infra.yml', () => {
  it('deploys in the stacks’ dependency order: one job per phase, each waiting for the previous', () => {
    const waves = deploymentOrder(stackDependencies());
    expect(deployJobs.map((j) => [...workflow.jobs[j].strategy.matrix.stack].sort())).toEqual(waves);
    expect(workflow.jobs['deploy-foundation'].needs).toBe('test');
    expect(workflow.jobs['deploy-services'].needs).toBe('deploy-foundation');
    expect(workflow.jobs['deploy-applications'].needs).toBe('deploy-services');
    expect(workflow.jobs.verify.needs).toBe('deploy-applications');
  });

  it("passes the edge's origin secret from the repository's secrets, never as a literal (plan and deploy need it)", () => {
    const env = workflow.env;
    expect(env.TF_VAR_edge_origin_secret).toMatch(/^\$\{\{ secrets\.[A-Z_]+ \}\}$/);
  });

  it('plans and verifies every stack the app has', () => {
    const all = Object.keys(stackDependencies()).sort();
    expect([...workflow.jobs.plan.strategy.matrix.stack].sort()).toEqual(all);
    expect([...workflow.jobs.verify.strategy.matrix.stack].sort()).toEqual(all);
  });

  it.each(['plan', ...deployJobs, 'verify'])('%s refuses local state before it touches anything', (job) => {
    const steps = workflow.jobs[job].steps as { name?: string; run?: string }[];
    expect(steps[0].name).toBe('Refuse local state');
    expect(steps[0].run).toMatch(/if \[ "\$TAISHANGLAOJUN_STATE_BACKEND" = local \]; then[\s\S]*exit 1/);
  });

  it('puts each stack’s plan into the pull request’s job summary, failing when the plan fails', () => {
    const step = (workflow.jobs.plan.steps as { run?: string }[]).find((s) => s.run?.includes('cdktf diff'))!;
    expect(step.run).toContain('set -o pipefail');
    expect(step.run).toContain('>> "$GITHUB_STEP_SUMMARY"');
  });

  it('deploys behind the production environment’s approval gate', () => {
    for (const j of deployJobs) expect(workflow.jobs[j].environment).toMatch(/^production/);
  });
});
