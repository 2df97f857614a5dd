/** The README's routing claims about the shipped config match what the router does (found by QA: it named us-east-1). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import config from '../../regions.config';
import { validateRegionsConfig } from '../../lib/config';
import { buildRoutingTable } from '../../lib/routing-table';
import { parseRoutingTable } from '../../runtime/routing-table';
import { RegionRouter } from '../../runtime/router';

const root = join(__dirname, '../..');
const readme = readFileSync(join(root, 'README.md'), 'utf8').replace(/\s+/g, ' ');

describe('anonymous traffic from an unknown country without figures', () => {
  it('goes to the region with the lowest latencyThresholdMs, by score, as the README says', () => {
    const parsed = parseRoutingTable(JSON.parse(JSON.stringify(buildRoutingTable(validateRegionsConfig(config)))));
    if (!parsed.ok) throw new Error('the shipped routing table is not valid');
    const decision = new RegionRouter(parsed.table).route({ socketAddress: '127.0.0.1' });
    const lowest = [...config.regions].sort((a, b) => a.latencyThresholdMs - b.latencyThresholdMs)[0];
    expect(decision).toMatchObject({ kind: 'routed', region: lowest.id, reason: 'score' });
    expect(readme).toContain(`each region scores its own \`latencyThresholdMs\``);
    expect(readme).toContain(`\`${lowest.id}\` (${lowest.latencyThresholdMs} ms) with the shipped config`);
    expect(readme).not.toMatch(/without latency or load figures \(the gateway feeds none\) is the `defaultRegion` option/);
  });

  it('the runtime-gateway example passes no residency zone, and the README says so', () => {
    const example = readFileSync(join(root, 'examples/runtime-gateway/gateway.ts'), 'utf8');
    const call = example.slice(example.indexOf('runtime.route({'), example.indexOf('});', example.indexOf('runtime.route({')));
    expect(call).not.toMatch(/residencyZone/);
    expect(readme).toContain('does not read `x-residency-zone`');
  });
});
