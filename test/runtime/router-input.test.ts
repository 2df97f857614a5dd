import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_PREFERRED_REGION_CHARS, RegionRouter } from '../../runtime/router';
import type { RoutingTable } from '../../runtime/routing-table';

const table: RoutingTable = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'routing-table.json'), 'utf8'));
const router = new RegionRouter(table, { geoLookup: () => 'DE' });

describe('RegionRouter: hostile x-preferred-region values', () => {
  it('does not echo a 100 KB header back: the region and detail are cut', () => {
    const huge = 'x'.repeat(100_000);
    const result = router.route({ socketAddress: '81.2.69.142', headers: { 'x-preferred-region': huge } });
    expect(result).toMatchObject({ kind: 'routed', region: 'eu-central-1', reason: 'geo' });
    const ignored = result.ignoredPreference!;
    expect(ignored.why).toBe('unknown-region');
    expect(ignored.region).toBe(`${'x'.repeat(32)}…`);
    expect(ignored.detail).toContain('(100000 characters) is not a region of the routing table');
    expect(ignored.detail.length).toBeLessThan(120);
    expect(JSON.stringify(result).length).toBeLessThan(1_000);
  });

  it(`echoes an unknown name of up to ${MAX_PREFERRED_REGION_CHARS} characters whole, and honours a known one in any case`, () => {
    const name = 'mars-'.padEnd(MAX_PREFERRED_REGION_CHARS, 'q');
    expect(router.route({ socketAddress: '81.2.69.142', headers: { 'x-preferred-region': name } }).ignoredPreference).toMatchObject({
      region: name,
      why: 'unknown-region',
    });
    expect(router.route({ socketAddress: '81.2.69.142', headers: { 'x-preferred-region': ' EU-West-2 ' } })).toMatchObject({
      region: 'eu-west-2',
      reason: 'preference',
    });
  });
});
