/** Prints what synth wrote: each stack, its regions and its resource count (run after `cdktf synth`). */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const outdir = process.env.CDKTF_OUTDIR || 'cdktf.out';
const manifestFile = join(outdir, 'manifest.json');
if (!existsSync(manifestFile)) {
  process.stderr.write(`synth summary: ${manifestFile} is missing; did synth fail?\n`);
  process.exit(1);
}
interface StackJson {
  provider?: Record<string, { region?: string; project?: string; alias?: string }[]>;
  resource?: Record<string, Record<string, unknown>>;
}
const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { stacks: Record<string, { synthesizedStackPath: string }> };
const rows = Object.entries(manifest.stacks).map(([name, s]) => {
  const tf = JSON.parse(readFileSync(join(outdir, s.synthesizedStackPath), 'utf8')) as StackJson;
  const regions = (tf.provider?.aws ?? []).map((p) => p.region).filter(Boolean);
  const where = regions.length ? regions.join(', ') : Object.keys(tf.provider ?? {}).join(', ');
  const resources = Object.values(tf.resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
  return { name, where, resources };
});
const width = Math.max(...rows.map((r) => r.name.length), 5);
process.stdout.write(`\n${'stack'.padEnd(width)}  resources  regions\n`);
for (const r of rows) process.stdout.write(`${r.name.padEnd(width)}  ${String(r.resources).padStart(9)}  ${r.where}\n`);
process.stdout.write(`${'total'.padEnd(width)}  ${String(rows.reduce((n, r) => n + r.resources, 0)).padStart(9)}\n`);
const table = join(outdir, 'routing-table.json');
if (existsSync(table)) process.stdout.write(`routing table: ${table}\n`);
