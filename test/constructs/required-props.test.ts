import { Fn, Testing, TerraformElement, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import * as lib from '../../lib';

/**
 * Every construct the library exports, given no props or props without a required one (a
 * JavaScript caller, or a cast), refuses them by name: `<path>: <field> undefined is not allowed;
 * allowed: <what>`, never a TypeError from deep inside.
 */
const constructs = Object.entries(lib).filter(
  ([, value]) => typeof value === 'function' && (value as { prototype?: unknown }).prototype instanceof Construct,
) as [string, new (scope: Construct, id: string, props?: unknown) => Construct][];

const attempt = (make: (stack: TerraformStack) => unknown): Error => {
  const stack = new TerraformStack(Testing.app(), 'stack');
  try {
    make(stack);
  } catch (err) {
    return err as Error;
  }
  throw new Error('no error');
};

describe('constructs refuse missing props by name', () => {
  it('covers every exported construct', () => {
    expect(constructs.length).toBeGreaterThanOrEqual(25);
    expect(constructs.map(([name]) => name)).toEqual(
      expect.arrayContaining(['Region', 'ReplicatedDatabase', 'MtlsMesh', 'CdnZone', 'ReservedCapacity']),
    );
  });

  it.each(constructs.map(([name, ctor]) => [name, ctor] as const))('%s without props', (_name, ctor) => {
    const err = attempt((stack) => new ctor(stack, 'X', undefined));
    expect(err).not.toBeInstanceOf(TypeError);
    expect(err.message).toMatch(/^stack\/X: props undefined is not allowed; allowed: an object( with \w+(, \w+)*)?$/);
  });

  it.each(constructs.map(([name, ctor]) => [name, ctor] as const))('%s with props {}', (_name, ctor) => {
    let err: Error | undefined;
    try {
      new ctor(new TerraformStack(Testing.app(), 'stack'), 'X', {});
    } catch (e) {
      err = e as Error;
    }
    // A construct whose props are all optional takes {}; any other names its first missing prop.
    if (err === undefined) return;
    expect(err).not.toBeInstanceOf(TypeError);
    expect(err.message).toMatch(/^stack\/X: \w+ undefined is not allowed; allowed: .+/);
  });

  it('names a required prop given as null, and the props when they are not an object', () => {
    const { Region } = lib;
    expect(attempt((stack) => new Region(stack, 'X', { spec: null } as never)).message).toBe(
      'stack/X: spec null is not allowed; allowed: a region of the validated config (validateRegionsConfig(...).regions)',
    );
    expect(attempt((stack) => new Region(stack, 'X', 'eu-west-1' as never)).message).toBe(
      'stack/X: props "eu-west-1" is not allowed; allowed: an object with spec, projectName, accountId',
    );
    expect(attempt((stack) => new Region(stack, 'X', [] as never)).message).toMatch(/^stack\/X: props \[\] is not allowed/);
  });

  it('checks before super where the props feed it (a resource or a provider)', () => {
    for (const name of ['RoutingTableObject', 'KubernetesManifest', 'KubernetesProvider'] as const) {
      const ctor = lib[name] as unknown as new (scope: Construct, id: string, props?: unknown) => TerraformElement;
      expect(attempt((stack) => new ctor(stack, 'X', undefined)).message).toMatch(/^stack\/X: props undefined is not allowed/);
    }
  });
});

describe('constructs refuse props of the wrong type by name (before: a TypeError from inside, or a silent wrong synth)', () => {
  const { Region, ContainerRegistry, ReplicatedDatabase, ZoneNetwork, DatabaseEndpoints, ZoneBackup, MtlsMesh, RegionIngress } = lib;
  const { ReservedCapacity, ClusterWorkloads, GlobalIngress } = lib;
  const { specOf, validConfig } = require('../helpers/platform') as typeof import('../helpers/platform');
  const acct = '111122223333';
  const region = (stack: TerraformStack, id = 'eu-west-1') =>
    new Region(stack, id, { spec: specOf(id), projectName: 'acme', accountId: acct });
  const anyProps = (p: unknown) => p as never;
  const cases: [string, (stack: TerraformStack) => unknown, string][] = [
    [
      'ContainerRegistry region {}',
      (s) => new ContainerRegistry(s, 'X', anyProps({ region: {}, projectName: 'acme', accountId: acct })),
      'region',
    ],
    [
      'ContainerRegistry projectName 42',
      (s) => new ContainerRegistry(s, 'X', anyProps({ region: region(s), projectName: 42, accountId: acct })),
      'projectName',
    ],
    [
      'ContainerRegistry accountId with a space',
      (s) => new ContainerRegistry(s, 'X', anyProps({ region: region(s), projectName: 'acme', accountId: `${acct} ` })),
      'accountId',
    ],
    [
      'ContainerRegistry images 42',
      (s) => new ContainerRegistry(s, 'X', anyProps({ region: region(s), projectName: 'acme', accountId: acct, images: 42 })),
      'images',
    ],
    [
      'ContainerRegistry images [42]',
      (s) => new ContainerRegistry(s, 'X', anyProps({ region: region(s), projectName: 'acme', accountId: acct, images: [42] })),
      'images[0]',
    ],
    [
      'ContainerRegistry replicateTo "eu-west-2"',
      (s) => new ContainerRegistry(s, 'X', anyProps({ region: region(s), projectName: 'acme', accountId: acct, replicateTo: 'eu-west-2' })),
      'replicateTo',
    ],
    [
      'ContainerRegistry replicateTo [{}]',
      (s) => new ContainerRegistry(s, 'X', anyProps({ region: region(s), projectName: 'acme', accountId: acct, replicateTo: [{}] })),
      'replicateTo[0]',
    ],
    [
      'ContainerRegistry replicateTo one region twice',
      (s) => {
        const other = region(s, 'eu-west-2');
        return new ContainerRegistry(s, 'X', { region: region(s), projectName: 'acme', accountId: acct, replicateTo: [other, other] });
      },
      'replicateTo[1]',
    ],
    [
      'ReplicatedDatabase primaryRegion {}',
      (s) => new ReplicatedDatabase(s, 'X', anyProps({ primaryRegion: {}, projectName: 'acme' })),
      'primaryRegion',
    ],
    [
      'ReplicatedDatabase regions 42',
      (s) => new ReplicatedDatabase(s, 'X', anyProps({ primaryRegion: region(s), projectName: 'acme', regions: 42 })),
      'regions',
    ],
    [
      'ReplicatedDatabase allowedCopyTo "na"',
      (s) => new ReplicatedDatabase(s, 'X', anyProps({ primaryRegion: region(s), projectName: 'acme', allowedCopyTo: 'na' })),
      'allowedCopyTo',
    ],
    [
      'RegionKey regionId 42 (it wrote alias/[object Object]-42)',
      (s) => new lib.RegionKey(s, 'X', anyProps({ provider: {}, regionId: 42, projectName: {}, accountId: NaN })),
      'regionId',
    ],
    [
      'RegionBucket accountId NaN',
      (s) =>
        new lib.RegionBucket(
          s,
          'X',
          anyProps({ provider: {}, regionId: 'eu-west-1', projectName: 'acme', accountId: NaN, kmsKeyArn: 'k', trailName: 't' }),
        ),
      'accountId',
    ],
    [
      'RegionSecurityGroups namePrefix " "',
      (s) => new lib.RegionSecurityGroups(s, 'X', anyProps({ provider: {}, vpcId: 'vpc-1', namePrefix: ' ' })),
      'namePrefix',
    ],
    [
      'ZoneBackup residencyZone 42',
      (s) => new ZoneBackup(s, 'X', anyProps({ residencyZone: 42, regions: [], databases: [], projectName: 'acme' })),
      'residencyZone',
    ],
    [
      'RegionAuditTrail includeGlobalServiceEvents "false" (alarms for events the trail never records)',
      (s) =>
        new lib.RegionAuditTrail(
          s,
          'X',
          anyProps({
            provider: {},
            trailName: 't',
            bucketName: 'b',
            bucketPolicy: {},
            kmsKeyArn: 'k',
            includeGlobalServiceEvents: 'false',
          }),
        ),
      'includeGlobalServiceEvents',
    ],
    [
      'RegionNetwork availabilityZones "abc"',
      (s) => new lib.RegionNetwork(s, 'X', anyProps({ provider: {}, namePrefix: 'acme', cidr: '10.0.0.0/16', availabilityZones: 'abc' })),
      'availabilityZones',
    ],
    [
      'RoutingTableObject content 42',
      (s) => new lib.RoutingTableObject(s, 'X', anyProps({ provider: {}, bucket: { bucketName: 'b' }, content: 42 })),
      'content',
    ],
    [
      'ReplicatedDatabase replicaRegionIds "eu-central-1"',
      (s) => new ReplicatedDatabase(s, 'X', anyProps({ primaryRegion: region(s), projectName: 'acme', replicaRegionIds: 'eu-central-1' })),
      'replicaRegionIds',
    ],
    [
      'ZoneBackup databases [42]',
      (s) => new ZoneBackup(s, 'X', anyProps({ residencyZone: 'emea', regions: [region(s)], databases: [42], projectName: 'acme' })),
      'databases[0]',
    ],
    [
      'DatabaseEndpoints databases [{}]',
      (s) =>
        new DatabaseEndpoints(s, 'X', anyProps({ residencyZone: 'emea', domain: 'db.internal', regions: [region(s)], databases: [{}] })),
      'databases[0]',
    ],
    [
      'RegionSecurityGroups publicIngressCidrs [42]',
      (s) => new lib.RegionSecurityGroups(s, 'X', anyProps({ provider: {}, vpcId: 'vpc-1', namePrefix: 'acme', publicIngressCidrs: [42] })),
      'publicIngressCidrs[0]',
    ],
    [
      'DatabaseParameterGroup family ["postgres16"]',
      (s) => new lib.DatabaseParameterGroup(s, 'X', anyProps({ provider: {}, namePrefix: 'acme', family: ['postgres16'] })),
      'family',
    ],
    ['ZoneNetwork regions 42', (s) => new ZoneNetwork(s, 'X', anyProps({ regions: 42, accountId: acct, namePrefix: 'acme' })), 'regions'],
    [
      'DatabaseEndpoints regions [{}]',
      (s) => new DatabaseEndpoints(s, 'X', anyProps({ residencyZone: 'emea', domain: 'db.internal', regions: [{}], databases: [] })),
      'regions[0]',
    ],
    [
      'ZoneBackup databases 42',
      (s) => new ZoneBackup(s, 'X', anyProps({ residencyZone: 'emea', regions: [region(s)], databases: 42, projectName: 'acme' })),
      'databases',
    ],
    [
      'MtlsMesh memberRegions 42',
      (s) =>
        new MtlsMesh(
          s,
          'X',
          anyProps({ residencyZone: 'emea', provider: {}, memberRegions: 42, meshDomain: 'mesh.internal', organization: 'Acme' }),
        ),
      'memberRegions',
    ],
    [
      'MtlsMesh memberRegions [{}]',
      (s) =>
        new MtlsMesh(
          s,
          'X',
          anyProps({ residencyZone: 'emea', provider: {}, memberRegions: [{}], meshDomain: 'mesh.internal', organization: 'Acme' }),
        ),
      'memberRegions[0]',
    ],
    [
      'RegionIngress region {}',
      (s) => new RegionIngress(s, 'X', anyProps({ region: {}, projectName: 'acme', accountId: acct, gatewayHost: 'gw.acme.test' })),
      'region',
    ],
    [
      'ReservedCapacity region "eu-west-1"',
      (s) => new ReservedCapacity(s, 'X', anyProps({ region: 'eu-west-1', scaling: validConfig.autoScaling })),
      'region',
    ],
    [
      'ClusterWorkloads regionId 42',
      (s) => new ClusterWorkloads(s, 'X', anyProps({ regionId: 42, vpcCidr: '10.0.0.0/16', cluster: {} })),
      'regionId',
    ],
    [
      'ClusterWorkloads vpcCidr "not a cidr"',
      (s) => new ClusterWorkloads(s, 'X', anyProps({ regionId: 'eu-west-1', vpcCidr: 'not a cidr', cluster: {} })),
      'vpcCidr',
    ],
    [
      'ClusterWorkloads metricsPort "abc"',
      (s) => new ClusterWorkloads(s, 'X', anyProps({ regionId: 'eu-west-1', vpcCidr: '10.0.0.0/16', metricsPort: 'abc', cluster: {} })),
      'metricsPort',
    ],
    [
      'ClusterWorkloads cluster 42',
      (s) => new ClusterWorkloads(s, 'X', anyProps({ regionId: 'eu-west-1', vpcCidr: '10.0.0.0/16', cluster: 42 })),
      'cluster',
    ],
    [
      'Region offline "false"',
      (s) => new Region(s, 'X', anyProps({ spec: specOf('eu-west-1'), projectName: 'acme', accountId: acct, offline: 'false' })),
      'offline',
    ],
    [
      'GlobalIngress owaspPreview "false"',
      (s) => new GlobalIngress(s, 'X', anyProps({ config: validConfig, owaspPreview: 'false' })),
      'owaspPreview',
    ],
  ];
  it.each(cases)('%s', (_what, make, field) => {
    const err = attempt(make);
    expect(err).not.toBeInstanceOf(TypeError);
    expect(err.message.startsWith(`stack/X: ${field} `)).toBe(true);
    expect(err.message).toMatch(/ is not allowed; allowed: /);
  });
});

describe('a hand-made IRegion without the parts its interface requires is named, not met as a TypeError inside', () => {
  const { RegionIngress, ContainerRegistry } = lib;
  const { specOf } = require('../helpers/platform') as typeof import('../helpers/platform');
  const partial = { regionId: 'eu-west-1', spec: specOf('eu-west-1'), provider: {}, bucket: {}, securityGroups: {} };
  // A real Region's parts, copied into a plain object (what a hand-made IRegion looks like).
  const real = (s: TerraformStack, id = 'eu-west-1') => {
    const r = new lib.Region(s, id, { spec: specOf(id), projectName: 'acme', accountId: '111122223333' });
    return {
      regionId: r.regionId,
      spec: r.spec,
      provider: r.provider,
      key: r.key,
      bucket: r.bucket,
      network: r.network,
      securityGroups: r.securityGroups,
      accountId: r.accountId,
    };
  };
  it('lists what it lacks', () => {
    const err = attempt(
      (s) =>
        new RegionIngress(s, 'X', {
          region: partial,
          projectName: 'acme',
          accountId: '111122223333',
          gatewayHost: 'gw.acme.test',
        } as never),
    );
    expect(err).not.toBeInstanceOf(TypeError);
    expect(err.message).toBe(
      'stack/X: region (region "eu-west-1") lacks provider (a TerraformProvider: an AwsProvider), key, bucket.bucketName, bucket.bucketArn, ' +
        'network, securityGroups.loadBalancerSecurityGroupId, securityGroups.gatewaySecurityGroupId, securityGroups.databaseSecurityGroupId; ' +
        "allowed: a Region of the config (an IRegion: new Region(...) or one of a continent stack's regions), with its provider, key, " +
        'bucket, network, securityGroups and their attributes',
    );
  });
  it('names the list element', () => {
    const err = attempt(
      (s) =>
        new ContainerRegistry(s, 'X', {
          region: real(s),
          projectName: 'acme',
          accountId: '111122223333',
          replicateTo: [{ ...real(s, 'eu-west-2'), network: {} }],
        } as never),
    );
    expect(err.message).toMatch(
      /^stack\/X: replicateTo\[0\] \(region "eu-west-2"\) lacks network\.vpcId, network\.cidr, network\.availabilityZones, network\.publicSubnetIds, network\.privateSubnetIds; allowed: /,
    );
  });
});

describe('KubernetesProvider refuses an exec or an attribute of the wrong shape before it is written (synth threw a TypeError)', () => {
  const { KubernetesProvider } = lib;
  const good = { host: 'https://k8s.example', clusterCaCertificate: 'PEM', exec: { apiVersion: 'v1', command: 'aws', args: ['eks'] } };
  const cases: [string, Record<string, unknown>, string][] = [
    ['exec as a string', { exec: 'aws' }, 'exec "aws" is not allowed; allowed: { apiVersion, command, args }'],
    [
      'exec without args',
      { exec: { apiVersion: 'v1', command: 'aws' } },
      'exec.args undefined is not allowed; allowed: a list of text arguments',
    ],
    ['args holding a number', { exec: { apiVersion: 'v1', command: 'aws', args: ['eks', 42] } }, 'exec.args ["eks",42] is not allowed'],
    ['an empty command', { exec: { apiVersion: 'v1', command: ' ', args: [] } }, 'exec.command " " is not allowed'],
    ['host as a number', { host: 443 }, 'host 443 is not allowed'],
    ['an alias with a dot', { alias: 'eu.west' }, 'alias "eu.west" is not allowed; allowed: a Terraform identifier'],
    ['an alias from a variable', { alias: '${var.alias}' }, 'alias "${var.alias}" is not allowed'],
  ];
  it.each(cases)('%s', (_what, over, message) => {
    const err = attempt((s) => new KubernetesProvider(s, 'X', { ...good, ...over } as never));
    expect(err).not.toBeInstanceOf(TypeError);
    expect(err.message.startsWith(`stack/X: ${message}`)).toBe(true);
  });
  it('takes a good config, tokens included, and writes it', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'stack');
    new KubernetesProvider(stack, 'X', { ...good, alias: 'eu_west_1', host: Fn.lookup({}, 'h', 'x') });
    new KubernetesProvider(stack, 'Y', { ...good, alias: 'région_1' }); // HCL identifiers take Unicode identifier characters
    new KubernetesProvider(stack, 'Z', { ...good, alias: 'Ⅳx' });
    new KubernetesProvider(stack, 'W', { ...good, alias: 'cafe\u0301' });
    expect(attempt((s) => new KubernetesProvider(s, 'X', { ...good, alias: 'a²' })).message).toMatch(/alias "a²" is not allowed/);
    expect(attempt((s) => new KubernetesProvider(s, 'X', { ...good, alias: Fn.lookup({}, 'a', 'b') })).message).toBe(
      'stack/X: alias is a token; allowed: a literal Terraform identifier (Terraform reads provider aliases before any value)',
    );
    const json = JSON.parse(Testing.synth(stack)) as { provider: { kubernetes: Array<Record<string, unknown>> } };
    expect(json.provider.kubernetes[0]).toMatchObject({ alias: 'eu_west_1', exec: [{ api_version: 'v1', command: 'aws', args: ['eks'] }] });
  });
});

describe('a value in a construct error is printed by the problem formatter', () => {
  const { RegionKey, RegionNetwork } = lib;
  it('a string stays a string ("30", not 30) and a long value is cut', () => {
    const provider = {} as never;
    const key = attempt(
      (s) =>
        new RegionKey(s, 'X', {
          provider,
          regionId: 'eu-west-1',
          projectName: 'acme',
          accountId: '111122223333',
          deletionWindowDays: '30' as never,
        }),
    );
    expect(key.message).toBe('stack/X: deletionWindowDays "30" is not allowed; allowed: an integer from 7 to 30');
    const long = `10.0.0.0/16${'x'.repeat(100_000)}`;
    const net = attempt(
      (s) => new RegionNetwork(s, 'X', { provider, namePrefix: 'acme', cidr: long, availabilityZones: ['eu-west-1a', 'eu-west-1b'] }),
    );
    expect(net.message.length).toBeLessThan(400);
  });
});
