/**
 * RegionNetwork keys and lays out every per-zone resource by the zone's letter, not by its position
 * in availabilityZones (found by QA: reordering a region's zones replaced every subnet in the plan,
 * and dropping the first zone shifted every other one).
 */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Testing, TerraformStack, TerraformVariable } from 'cdktf';
import { privateSubnetAddresses } from '../../lib/config/reserved-capacity';
import { privateSubnetCidrs } from '../../lib/data/private/gateway-cidrs';
import { ZoneNetwork } from '../../lib/data';
import { cidrsOverlap, parseCidr, type Ipv4Cidr } from '../../lib/private/cidr';
import { privateSubnetCidr, publicSubnetCidr, ZONE_LETTERS } from '../../lib/private/subnet-layout';
import { RegionNetwork } from '../../lib/region';
import { ACCOUNT, synthData } from '../helpers/data';
import { resourcesOf, specOf, synthRegion } from '../helpers/platform';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Resources = Record<string, Record<string, any>>;

const withZones = (id: string, availabilityZones: string[], natGatewayPerAz?: boolean) =>
  synthRegion(id, { spec: { ...specOf(id), availabilityZones }, network: { natGatewayPerAz } });

/** Construct id of a resource key: "us-east-1_Network_PrivateB_1A2B3C4D" → "us-east-1_Network_PrivateB". */
const idOf = (key: string) => key.replace(/_[A-F0-9]{8}$/, '');

/** `value` with every list element that references one of `gone` (by resource key) left out. */
function withoutRefsTo(value: unknown, gone: readonly string[]): unknown {
  if (Array.isArray(value))
    return value.filter((v) => !(typeof v === 'string' && gone.some((k) => v.includes(`{${k}.`)))).map((v) => withoutRefsTo(v, gone));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutRefsTo(v, gone)]));
  return value;
}

/**
 * Compares two resource maps: the keys `before` has and `after` lacks (returned as construct ids),
 * no key added, and every other resource unchanged except for references to the removed ones left
 * out of its lists (an EKS cluster's or an ALB's subnets).
 */
function removedBetween(before: Resources, after: Resources): string[] {
  const gone: string[] = [];
  for (const [type, byKey] of Object.entries(before))
    for (const key of Object.keys(byKey)) if (!after[type]?.[key]) gone.push(`${type}.${key}`);
  for (const [type, byKey] of Object.entries(after)) for (const key of Object.keys(byKey)) expect(before[type]?.[key]).toBeDefined();
  for (const [type, byKey] of Object.entries(after))
    for (const [key, resource] of Object.entries(byKey))
      expect([type, key, resource]).toEqual([type, key, withoutRefsTo(before[type][key], gone)]);
  return gone.map((k) => idOf(k.slice(k.indexOf('.') + 1))).sort();
}

const zoneResources = (region: string, key: string) =>
  [
    'Nat{}',
    'Nat{}Address',
    'Private{}',
    'Private{}DefaultRoute',
    'Private{}Routes',
    'Private{}RoutesAssociation',
    'Public{}',
    'Public{}Routes',
  ].map((id) => `${region}_Network_${id.replace('{}', key)}`);

describe('RegionNetwork: the order of availabilityZones changes nothing', () => {
  const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1d', 'us-east-1f'];
  const base = withZones('us-east-1', ZONES);

  it.each([[['us-east-1f', 'us-east-1d', 'us-east-1b', 'us-east-1a']], [['us-east-1b', 'us-east-1a', 'us-east-1f', 'us-east-1d']]])(
    'synthesizes byte-identical resources for %j',
    (order) => {
      const other = withZones('us-east-1', order);
      expect(JSON.stringify(other.tf.resource)).toBe(JSON.stringify(base.tf.resource));
      expect(other.json).toBe(base.json);
      // before: the lists followed the order given
      expect(other.region.network.availabilityZones).toEqual(ZONES);
    },
  );

  it('keeps the single NAT of natGatewayPerAz: false in the alphabetically first zone, wherever it is listed', () => {
    const single = withZones('us-east-1', ['us-east-1d', 'us-east-1b', 'us-east-1f'], false);
    expect(withZones('us-east-1', ['us-east-1b', 'us-east-1d', 'us-east-1f'], false).json).toBe(single.json);
    const nats = Object.entries(single.tf.resource.aws_nat_gateway as Resources[string]);
    expect(nats.map(([key]) => idOf(key))).toEqual(['us-east-1_Network_NatB']);
    expect(nats[0][1].subnet_id).toMatch(/^\$\{aws_subnet\.us-east-1_Network_PublicB_[A-F0-9]+\.id\}$/);
    const natRef = `\${aws_nat_gateway.${nats[0][0]}.id}`;
    expect(
      resourcesOf(single.tf, 'aws_route')
        .filter((r) => r.nat_gateway_id)
        .map((r) => r.nat_gateway_id),
    ).toEqual([natRef, natRef, natRef]);
  });
});

describe('RegionNetwork: removing a zone touches only that zone', () => {
  const before = withZones('us-east-1', ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1d']).tf.resource as Resources;

  it.each([
    ['the first', 'us-east-1a', 'A'],
    ['a middle', 'us-east-1b', 'B'],
    ['the last', 'us-east-1d', 'D'],
  ])('%s zone (%s): its resources go, no other address or attribute changes', (_what, zone, key) => {
    const left = ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1d'].filter((z) => z !== zone);
    const after = withZones('us-east-1', [...left].reverse()).tf.resource as Resources;
    expect(removedBetween(before, after)).toEqual(zoneResources('us-east-1', key));
  });

  it('adding a zone adds only its resources', () => {
    const grown = withZones('us-east-1', ['us-east-1e', 'us-east-1a', 'us-east-1b', 'us-east-1c']).tf.resource as Resources;
    const small = withZones('us-east-1', ['us-east-1a', 'us-east-1b', 'us-east-1c']).tf.resource as Resources;
    expect(removedBetween(grown, small)).toEqual(zoneResources('us-east-1', 'E'));
  });

  it('in the zone network too: per-zone routes and 5432 rules are keyed by the letter', () => {
    const EMEA = ['eu-west-1', 'eu-central-1', 'eu-west-2'];
    const zoneNet = (azs: string[]) =>
      synthData(EMEA, (stack, regions) => new ZoneNetwork(stack, 'Net', { regions, accountId: ACCOUNT, namePrefix: 'tslj' }), {
        'eu-west-1': { availabilityZones: azs },
      }).tf.resource as Resources;
    const full = zoneNet(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
    expect(zoneNet(['eu-west-1c', 'eu-west-1a', 'eu-west-1b'])).toEqual(full);
    const gone = removedBetween(full, zoneNet(['eu-west-1c', 'eu-west-1b']));
    // eu-west-1's zone a: its peering routes (from its route table A), the rules that admit or reach its subnet A
    expect(gone).toEqual(
      [
        ...zoneResources('eu-west-1', 'A'),
        'Net_EuWest1ToEuCentral1RouteA',
        'Net_EuWest1ToEuWest2RouteA',
        'Net_EuWest1ToEuCentral1DatabaseInA',
        'Net_EuWest1ToEuWest2DatabaseInA',
        'Net_EuCentral1ToEuWest1GatewayOutA',
        'Net_EuWest2ToEuWest1GatewayOutA',
      ].sort(),
    );
  });
});

describe('RegionNetwork: subnet CIDRs', () => {
  const VPCS = ['10.0.0.0/16', '10.16.0.0/17', '10.32.0.0/18', '10.48.0.0/19', '10.64.0.0/20'];
  const ZONE_SETS = [
    ['us-east-1a', 'us-east-1b'],
    ['us-east-1f', 'us-east-1c', 'us-east-1a'],
    ['us-east-1d', 'us-east-1e', 'us-east-1f', 'us-east-1a'],
    ['us-east-1e', 'us-east-1f'],
  ];
  const inside = (inner: Ipv4Cidr, outer: Ipv4Cidr) =>
    inner.prefix >= outer.prefix &&
    inner.base >= outer.base &&
    inner.base + 2 ** (32 - inner.prefix) <= outer.base + 2 ** (32 - outer.prefix);
  const parse = (text: string) => parseCidr(text) as Ipv4Cidr;

  function synthNetwork(cidr: string, availabilityZones: string[]) {
    const stack = new TerraformStack(Testing.app(), 'net');
    const provider = new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    const network = new RegionNetwork(stack, 'Network', { provider, namePrefix: 'p-us-east-1', cidr, availabilityZones });
    return { network, subnets: resourcesOf(JSON.parse(Testing.synth(stack)), 'aws_subnet') };
  }

  it.each(VPCS)('in %s: every subnet inside the VPC, none overlapping, private ones of the size the capacity check counts', (cidr) => {
    const vpc = parse(cidr);
    for (const zones of ZONE_SETS) {
      const { subnets } = synthNetwork(cidr, zones);
      expect(subnets).toHaveLength(2 * zones.length);
      const blocks = subnets.map((s) => parse(s.cidr_block));
      for (const b of blocks) expect(inside(b, vpc)).toBe(true);
      for (let i = 0; i < blocks.length; i++)
        for (let j = i + 1; j < blocks.length; j++)
          expect([subnets[i].cidr_block, subnets[j].cidr_block, cidrsOverlap(blocks[i], blocks[j])]).toEqual([
            subnets[i].cidr_block,
            subnets[j].cidr_block,
            false,
          ]);
      const priv = subnets.filter((s) => s.tags.Tier === 'private').map((s) => parse(s.cidr_block));
      for (const p of priv) expect(p.prefix).toBe(vpc.prefix + 3);
      expect(priv.reduce((n, p) => n + 2 ** (32 - p.prefix) - 5, 0)).toBe(privateSubnetAddresses(vpc.prefix, zones.length));
      // an ALB needs a /27 at least (8 free addresses per subnet); the NAT one address
      for (const s of subnets.filter((x) => x.tags.Tier === 'public')) expect(parse(s.cidr_block).prefix).toBeLessThanOrEqual(27);
    }
  });

  it.each(VPCS)('in %s: the layout has a place for each of the six letters, none overlapping', (cidr) => {
    const vpc = parse(cidr);
    const all = [...ZONE_LETTERS]
      .flatMap((l) => [privateSubnetCidr(vpc, `us-east-1${l}`), publicSubnetCidr(vpc, `us-east-1${l}`)])
      .map(parse);
    expect(all).toHaveLength(12);
    for (const b of all) expect(inside(b, vpc)).toBe(true);
    for (let i = 0; i < all.length; i++) for (let j = i + 1; j < all.length; j++) expect(cidrsOverlap(all[i], all[j])).toBe(false);
  });

  it('places a zone by its letter: the same zone gets the same subnets in any list', () => {
    const cidrOf = (zones: string[], zone: string, tier: string) =>
      synthNetwork('10.0.0.0/16', zones).subnets.find((s) => s.availability_zone === zone && s.tags.Tier === tier)!.cidr_block;
    expect(cidrOf(['us-east-1c', 'us-east-1a'], 'us-east-1c', 'private')).toBe('10.0.64.0/19');
    expect(cidrOf(['us-east-1b', 'us-east-1c', 'us-east-1f'], 'us-east-1c', 'private')).toBe('10.0.64.0/19');
    expect(cidrOf(['us-east-1c', 'us-east-1a'], 'us-east-1c', 'public')).toBe('10.0.232.0/22');
    expect(cidrOf(['us-east-1f', 'us-east-1c'], 'us-east-1c', 'public')).toBe('10.0.232.0/22');
    expect(cidrOf(['us-east-1a', 'us-east-1f'], 'us-east-1f', 'public')).toBe('10.0.244.0/22');
    expect(synthNetwork('10.64.0.0/20', ['us-east-1a', 'us-east-1f']).subnets.map((s) => s.cidr_block)).toEqual([
      '10.64.0.0/23',
      '10.64.10.0/23',
      '10.64.14.0/26',
      '10.64.15.64/26',
    ]);
  });

  it('gateway-cidrs computes the synthesized private subnets for any order of the zones, and gaps', () => {
    for (const cidr of VPCS)
      for (const zones of ZONE_SETS) {
        const { subnets, network } = synthNetwork(cidr, zones);
        const priv = subnets.filter((s) => s.tags.Tier === 'private');
        expect(priv.map((s) => s.cidr_block)).toEqual(privateSubnetCidrs(cidr, zones));
        expect(priv.map((s) => s.availability_zone)).toEqual(network.availabilityZones);
      }
  });
});

describe('RegionNetwork: zones it cannot key by a letter are refused by name', () => {
  const build = (availabilityZones: string[]) => () => {
    const stack = new TerraformStack(Testing.app(), 'az');
    const provider = new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    new RegionNetwork(stack, 'Network', { provider, namePrefix: 'p', cidr: '10.0.0.0/16', availabilityZones });
  };
  const ALLOWED = 'allowed: an availability zone name such as "eu-west-1a": the region id and one letter a to f';
  it('a letter after f, a zone id, a name without a letter', () => {
    expect(build(['us-east-1a', 'us-east-1g'])).toThrow(`az/Network: availabilityZones[1] "us-east-1g" is not allowed; ${ALLOWED}`);
    expect(build(['use1-az1', 'use1-az2'])).toThrow(`az/Network: availabilityZones[0] "use1-az1" is not allowed; ${ALLOWED}`);
    expect(build(['us-east-1a', 'us-east-1'])).toThrow(`az/Network: availabilityZones[1] "us-east-1" is not allowed; ${ALLOWED}`);
  });
  it('zones of two regions (their letters would share subnets)', () => {
    expect(build(['us-east-1a', 'us-east-2b'])).toThrow(
      'az/Network: availabilityZones[1] "us-east-2b" is not allowed; allowed: zones of one region (availabilityZones[0] is in us-east-1)',
    );
  });
  it('a token zone (before: accepted, with no letter to key it by)', () => {
    const stack = new TerraformStack(Testing.app(), 'az');
    const provider = new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    const zone = new TerraformVariable(stack, 'zone', { type: 'string' }).stringValue;
    expect(
      () =>
        new RegionNetwork(stack, 'Network', { provider, namePrefix: 'p', cidr: '10.0.0.0/16', availabilityZones: ['us-east-1a', zone] }),
    ).toThrow(
      'az/Network: availabilityZones[1] is a token; allowed: a literal zone name (its subnets are keyed and laid out by its letter)',
    );
  });
});
