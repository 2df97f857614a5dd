/** Every example under examples/ synthesizes (terraform-aws-modules style: examples are tested). */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..');
const examples = readdirSync(join(root, 'examples')).filter((d) => existsSync(join(root, 'examples', d, 'main.ts')));

it.each(examples)('examples/%s synthesizes', (name) => {
  const outdir = mkdtempSync(join(tmpdir(), `tslj-example-${name}-`));
  try {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join('examples', name, 'main.ts')], {
      cwd: root,
      env: { ...process.env, CDKTF_OUTDIR: outdir },
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const stacks = readdirSync(join(outdir, 'stacks'));
    expect(stacks.length).toBeGreaterThan(0);
    const tf = JSON.parse(readFileSync(join(outdir, 'stacks', stacks[0], 'cdk.tf.json'), 'utf8'));
    expect(Object.keys(tf.resource)).toContain('aws_vpc');
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
});
