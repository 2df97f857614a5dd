import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RegionRouter } from '../../runtime/router';
import type { RoutingTable } from '../../runtime/routing-table';

const table = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'routing-table.json'), 'utf8')) as RoutingTable;

describe('RegionRouter exclude (a gateway retry, regions without an upstream)', () => {
  const router = new RegionRouter(table);

  it('chooses another region of the same zone when the country region is excluded', () => {
    expect(router.decide({ country: 'GB', userId: 'u1' })).toMatchObject({ kind: 'routed', region: 'eu-west-2', reason: 'geo' });
    const d = router.decide({ country: 'GB', userId: 'u1', exclude: ['eu-west-2'] });
    expect(d.kind).toBe('routed');
    if (d.kind === 'routed') {
      expect(['eu-west-1', 'eu-central-1']).toContain(d.region);
      expect(d.zone).toBe('emea');
    }
  });

  it('refuses rather than leave the zone when every region of the zone is excluded', () => {
    const d = router.decide({ country: 'GB', userId: 'u1', exclude: ['eu-west-1', 'eu-central-1', 'eu-west-2'] });
    expect(d).toMatchObject({ kind: 'refused', code: 'no-healthy-region', zone: 'emea' });
  });

  it('ignores an excluded preferred region and applies to route() too, for that decision only', () => {
    const d = router.route({ headers: { 'x-preferred-region': 'eu-west-1' }, socketAddress: '81.2.69.142', exclude: ['eu-west-1'] });
    expect(d).toMatchObject({ kind: 'routed', region: 'eu-west-2', ignoredPreference: { why: 'unhealthy' } });
    expect(router.route({ headers: { 'x-preferred-region': 'eu-west-1' }, socketAddress: '81.2.69.142' })).toMatchObject({
      region: 'eu-west-1',
      reason: 'preference',
    });
  });
});
