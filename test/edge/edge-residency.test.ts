import { edgeBootstrapFromEnv } from '../../lib/edge/bootstrap';
import { assertEdgeResidency, countryRegionPlan, edgeResidencyProblems, type EdgeSteering } from '../../lib/edge/edge-residency';
import { validConfig } from '../helpers/platform';

const base: EdgeSteering = {
  countryZones: { DE: 'emea', JP: 'apac' },
  pools: [
    { name: 'eu-central-1', region: 'eu-central-1', residencyZone: 'emea' },
    { name: 'ap-northeast-1', region: 'ap-northeast-1', residencyZone: 'apac' },
    { name: 'refusal' },
  ],
  countryPools: { DE: ['eu-central-1'], JP: ['ap-northeast-1'] },
  defaultPools: ['refusal'],
  fallbackPool: 'refusal',
};

describe('edge residency check (pure)', () => {
  it('accepts country lists inside each zone with the refusal pool as default and fallback', () => {
    expect(edgeResidencyProblems(base)).toEqual([]);
    expect(() => assertEdgeResidency(base)).not.toThrow();
  });

  it.each<[string, Partial<EdgeSteering>, RegExp]>([
    [
      'a country steered to another zone',
      { countryPools: { DE: ['eu-central-1', 'ap-northeast-1'], JP: ['ap-northeast-1'] } },
      /country DE \(zone "emea"\) is steered to pool "ap-northeast-1" \(ap-northeast-1, zone "apac"\)/,
    ],
    [
      'a region pool as fallback',
      { fallbackPool: 'eu-central-1' },
      /fallback pool "eu-central-1" \(eu-central-1, zone "emea"\) .* must be the refusal pool/,
    ],
    [
      'a region pool among the defaults',
      { defaultPools: ['refusal', 'ap-northeast-1'] },
      /default pool "ap-northeast-1" .* the default pools must be the refusal pool only/,
    ],
    ['no default pool', { defaultPools: [] }, /needs a default pool/],
    [
      'an unmapped country steered to a region',
      { countryPools: { ...base.countryPools, RU: ['eu-central-1'] } },
      /country RU has no residency zone .* pool "eu-central-1"/,
    ],
    ['an undeclared pool', { countryPools: { DE: ['eu-west-9'], JP: ['ap-northeast-1'] } }, /country DE: pool "eu-west-9" is not declared/],
    ['other steering that bypasses the lists', { otherSteering: ['region_pools'] }, /region_pools bypasses the country lists/],
  ])('rejects %s', (_name, change, message) => {
    expect(() => assertEdgeResidency({ ...base, ...change })).toThrow(message);
  });

  it('plans each country: its own region, then the rest of its zone in fallback order, or the config override', () => {
    const plan = countryRegionPlan(validConfig);
    expect(plan.GB).toEqual(['eu-west-2', 'eu-west-1', 'eu-central-1']);
    expect(plan.HK).toEqual(['ap-east-1', 'ap-southeast-1', 'ap-northeast-1', 'ap-south-1']);
    const overridden = countryRegionPlan({ ...validConfig, edge: { ...validConfig.edge, countryPools: { KR: ['ap-east-1'] } } });
    expect(overridden.KR).toEqual(['ap-east-1']);
    // Regions that do not run the gateway get no pool; their countries go to the zone's gateway regions.
    const noCompute = {
      ...validConfig,
      regions: validConfig.regions.map((r) => (r.id === 'ap-south-1' ? { ...r, services: ['storage' as const] } : r)),
    };
    expect(countryRegionPlan(noCompute).IN).toEqual(['ap-east-1', 'ap-southeast-1', 'ap-northeast-1']);
  });
});

describe('edge bootstrap from the environment', () => {
  it('reads TAISHANGLAOJUN_EDGE_BOOTSTRAP and names a bad value with what is allowed', () => {
    expect(edgeBootstrapFromEnv({})).toBe(false);
    expect(edgeBootstrapFromEnv({ TAISHANGLAOJUN_EDGE_BOOTSTRAP: '1' })).toBe(true);
    expect(edgeBootstrapFromEnv({ TAISHANGLAOJUN_EDGE_BOOTSTRAP: 'false' })).toBe(false);
    expect(() => edgeBootstrapFromEnv({ TAISHANGLAOJUN_EDGE_BOOTSTRAP: 'yes' })).toThrow(
      'TAISHANGLAOJUN_EDGE_BOOTSTRAP="yes" is not allowed; allowed: 1, true, 0, false or unset',
    );
  });
});
