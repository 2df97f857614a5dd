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

  it('reads excluded ids as the preference is read, and refuses an entry that is not a string (QA, stop 30: [42] passed, "EU-WEST-2" excluded nothing)', () => {
    const d = router.decide({ country: 'GB', userId: 'u1', exclude: [' EU-WEST-2 '] });
    expect(d).toMatchObject({ kind: 'routed', zone: 'emea' });
    expect(d.kind === 'routed' && d.region).not.toBe('eu-west-2');
    expect(() => router.decide({ country: 'GB', exclude: [42 as unknown as string] })).toThrow(
      'RegionRouter.decide: exclude: [42]; allowed: a list of region id strings',
    );
  });
});

describe('RegionRouter residencyZone and zones without a gateway', () => {
  it('reads a zone id in any case (ids are lower-case; before: "EMEA" was refused as unknown-zone)', () => {
    expect(new RegionRouter(table).decide({ country: 'US', userId: 'u1', residencyZone: ' EMEA ' })).toMatchObject({
      kind: 'routed',
      zone: 'emea',
      zoneSource: 'explicit',
    });
  });
  it('says a zone has no region that runs a gateway (before: "no healthy region in zone emea ()")', () => {
    const storageOnly = structuredClone(table);
    const emea = new Set(storageOnly.regions.filter((r) => r.residencyZone === 'emea').map((r) => r.id));
    for (const r of storageOnly.regions) if (emea.has(r.id)) r.services = ['storage'];
    for (const [country, region] of Object.entries(storageOnly.countries)) if (emea.has(region)) delete storageOnly.countries[country];
    const d = new RegionRouter(storageOnly).decide({ userId: 'u1', residencyZone: 'emea' });
    expect(d).toMatchObject({ kind: 'refused', code: 'no-healthy-region', zone: 'emea' });
    expect(d.kind === 'refused' && d.detail).toBe(
      'no region of zone emea runs a gateway (none has "compute" in its services): its users cannot be served in their zone',
    );
  });
});
