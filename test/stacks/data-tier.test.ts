/**
 * The data tier in the platform stacks, and a user routed end to end: country → region → shard →
 * replica host, the host being a Route 53 record of the zone that points at that region's replica.
 */
import { Testing } from 'cdktf';
import config from '../../regions.config';
import { validateRegionsConfig, type RegionsConfigInput } from '../../lib/config';
import { RegionRouter } from '../../runtime/router';
import { buildPlatform } from '../../stacks/platform';
import { watchedReplicas } from '../../lib/reports';
import { resourcesOf, validConfig } from '../helpers/platform';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const synthAll = (): { stacks: Record<string, any>; routingTable: ReturnType<typeof buildPlatform>['routingTable'] } => {
  const app = Testing.app();
  const { continents, routingTable } = buildPlatform(app, validConfig);
  return { stacks: Object.fromEntries(continents.map((s) => [s.node.id, JSON.parse(Testing.synth(s))])), routingTable };
};

describe('the data tier in the continent stacks', () => {
  const { stacks, routingTable } = synthAll();
  /** Record name → the DB instance its CNAME points at (resource name), per stack. */
  const recordsOf = (stack: string) =>
    new Map<string, string>(
      resourcesOf(stacks[stack], 'aws_route53_record').map((r) => [r.name, /aws_db_instance\.([^.]+)\.address/.exec(r.records[0])![1]]),
    );

  it('has one Multi-AZ primary per residency zone and a replica in each other storage region of the zone', () => {
    for (const [stack, regions] of [
      ['apac', ['ap-east-1', 'ap-southeast-1', 'ap-northeast-1', 'ap-south-1']],
      ['emea', ['eu-west-1', 'eu-central-1', 'eu-west-2']],
      ['na', ['us-east-1', 'us-west-2', 'ca-central-1']],
    ] as const) {
      const instances = resourcesOf(stacks[stack], 'aws_db_instance');
      const primaries = instances.filter((i) => !i.replicate_source_db);
      expect(primaries.map((p) => [p.identifier, p.provider, p.multi_az])).toEqual([
        [`taishanglaojun-pg-${regions[0]}`, `aws.${regions[0].replace(/-/g, '_')}`, true],
      ]);
      const replicaProviders = instances.filter((i) => i.replicate_source_db).map((i) => i.provider);
      expect(replicaProviders.sort()).toEqual(
        regions
          .slice(1)
          .map((r) => `aws.${r.replace(/-/g, '_')}`)
          .sort(),
      );
      expect(resourcesOf(stacks[stack], 'aws_cloudwatch_metric_alarm').filter((a) => a.metric_name === 'ReplicaLag')).toHaveLength(
        regions.length - 1,
      );
      // Full mesh of the zone, nothing else: n(n-1)/2 peerings, one hosted zone, a vault per region.
      expect(resourcesOf(stacks[stack], 'aws_vpc_peering_connection')).toHaveLength((regions.length * (regions.length - 1)) / 2);
      expect(resourcesOf(stacks[stack], 'aws_route53_zone')).toHaveLength(1);
      expect(resourcesOf(stacks[stack], 'aws_backup_vault')).toHaveLength(regions.length);
      expect(resourcesOf(stacks[stack], 'aws_ecr_repository')).toHaveLength(regions.length);
    }
  });

  it("the monitoring's ReplicationLagUnreported watches exactly the replicas the stacks create, by region and identifier", () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const created = Object.values(stacks).flatMap((st: any) =>
      resourcesOf(st, 'aws_db_instance')
        .filter((i) => i.replicate_source_db)
        .map((i) => ({ region: (i.provider as string).replace(/^aws\./, '').replace(/_/g, '-'), instance: i.identifier as string })),
    );
    const byId = (a: { instance: string }, b: { instance: string }) => a.instance.localeCompare(b.instance);
    expect(created.length).toBeGreaterThan(0);
    expect([...watchedReplicas(validConfig)].sort(byId)).toEqual(created.sort(byId));
    // each replica's CloudWatch alarm reads the same identifier
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const alarmed = Object.values(stacks).flatMap((st: any) =>
      resourcesOf(st, 'aws_cloudwatch_metric_alarm')
        .filter((a) => a.metric_name === 'ReplicaLag')
        .map((a) => a.dimensions.DBInstanceIdentifier as string),
    );
    expect(alarmed.sort()).toEqual(created.map((c) => c.instance).sort());
  });

  it('takes backup and lag settings from the config', () => {
    const primary = resourcesOf(stacks.emea, 'aws_db_instance').find((i) => !i.replicate_source_db);
    expect(primary.backup_retention_period).toBe(validConfig.database.automatedBackupRetentionDays);
    expect(resourcesOf(stacks.emea, 'aws_backup_plan')[0].rule[0].lifecycle.delete_after).toBe(validConfig.database.backupRetentionDays);
    expect(resourcesOf(stacks.emea, 'aws_cloudwatch_metric_alarm')[0].threshold).toBe(validConfig.database.replicaLagThresholdSeconds);
  });

  it('gives every shard of the routing table real endpoints, each a Route 53 record of its zone', () => {
    const stackOfZone = { apac: 'apac', emea: 'emea', na: 'na' } as Record<string, string>;
    for (const shard of routingTable.shards) {
      const records = recordsOf(stackOfZone[shard.residencyZone]);
      for (const copy of [shard.primary, ...shard.replicas]) {
        expect(copy.endpoint).not.toBeNull();
        const [host, port] = copy.endpoint!.split(':');
        expect(port).toBe('5432');
        expect(records.has(host)).toBe(true);
        expect(host).toBe(`pg-${shard.primary.region}.${copy.region}.${shard.residencyZone}.db.taishanglaojun.com`);
      }
    }
  });

  it('routes a user end to end: country → region → shard → replica host of that region', () => {
    const router = new RegionRouter(routingTable);
    const decision = router.decide({ country: 'DE', userId: 'user-42' });
    if (decision.kind !== 'routed') throw new Error(`refused: ${decision.detail}`);
    expect(decision.region).toBe('eu-central-1');
    expect(decision.shard!.residencyZone).toBe('emea');
    expect(decision.replica).toMatchObject({ role: 'replica', reason: 'local-replica', region: 'eu-central-1' });
    expect(decision.replica!.endpoint).toBe('pg-eu-west-1.eu-central-1.emea.db.taishanglaojun.com:5432');
    // The name resolves (in the zone's private hosted zone) to the eu-central-1 replica instance.
    const target = recordsOf('emea').get(decision.replica!.endpoint!.split(':')[0])!;
    const instance = stacks.emea.resource.aws_db_instance[target];
    expect(instance).toMatchObject({ provider: 'aws.eu_central_1', identifier: 'taishanglaojun-pg-eu-west-1-eu-central-1' });
    expect(instance.replicate_source_db).toMatch(/Primary/);
  });

  it("reads a user routed to the zone's primary region from that region's primary, by its stable name", () => {
    const decision = new RegionRouter(routingTable).decide({ country: 'HK', userId: 'user-7' });
    if (decision.kind !== 'routed') throw new Error(`refused: ${decision.detail}`);
    expect(decision.region).toBe('ap-east-1');
    expect(decision.replica).toMatchObject({ role: 'primary', reason: 'local-primary', region: 'ap-east-1' });
    const host = decision.replica!.endpoint!.split(':')[0];
    expect(host).toBe('pg-ap-east-1.ap-east-1.apac.db.taishanglaojun.com');
    const instance = stacks.apac.resource.aws_db_instance[recordsOf('apac').get(host)!];
    expect(instance).toMatchObject({ identifier: 'taishanglaojun-pg-ap-east-1', multi_az: true });
  });
});

describe('shards placed on another primary of their zone', () => {
  const input = structuredClone(config) as RegionsConfigInput;
  input.shards = [
    { id: 'emea-main', residencyZone: 'emea' },
    { id: 'emea-de', residencyZone: 'emea', primaryRegion: 'eu-central-1' },
    { id: 'apac-0', residencyZone: 'apac' },
    { id: 'na-0', residencyZone: 'na' },
  ];
  const cfg = validateRegionsConfig(input);
  const app = Testing.app();
  const { continents, routingTable } = buildPlatform(app, cfg);
  const emea = JSON.parse(Testing.synth(continents.find((s) => s.node.id === 'emea')!));

  it('get a database of their own there, with replicas in the zone’s other storage regions', () => {
    const instances = resourcesOf(emea, 'aws_db_instance');
    expect(instances.filter((i) => !i.replicate_source_db).map((i) => [i.identifier, i.provider, i.multi_az])).toEqual([
      ['taishanglaojun-pg-eu-central-1', 'aws.eu_central_1', true],
      ['taishanglaojun-pg-eu-west-1', 'aws.eu_west_1', true],
    ]);
    expect(
      instances
        .filter((i) => i.identifier.startsWith('taishanglaojun-pg-eu-central-1-'))
        .map((i) => i.provider)
        .sort(),
    ).toEqual(['aws.eu_west_1', 'aws.eu_west_2']);
  });

  it("are each watched by the monitoring's ReplicationLagUnreported under the identifier the stack gives them", () => {
    const created = resourcesOf(emea, 'aws_db_instance')
      .filter((i) => i.replicate_source_db)
      .map((i) => i.identifier as string)
      .sort();
    expect(
      watchedReplicas(cfg)
        .filter((r) => ['eu-west-1', 'eu-central-1', 'eu-west-2'].includes(r.region))
        .map((r) => r.instance)
        .sort(),
    ).toEqual(created);
  });

  it('carry that database’s names in the routing table, each a Route 53 record', () => {
    const shard = routingTable.shards.find((s) => s.id === 'emea-de')!;
    expect(shard.primary).toEqual({ region: 'eu-central-1', endpoint: 'pg-eu-central-1.eu-central-1.emea.db.taishanglaojun.com:5432' });
    expect(shard.replicas.map((r) => r.endpoint)).toEqual([
      'pg-eu-central-1.eu-west-1.emea.db.taishanglaojun.com:5432',
      'pg-eu-central-1.eu-west-2.emea.db.taishanglaojun.com:5432',
    ]);
    const names = new Set(resourcesOf(emea, 'aws_route53_record').map((r) => r.name));
    for (const copy of [shard.primary, ...shard.replicas]) expect(names.has(copy.endpoint!.split(':')[0])).toBe(true);
    expect(resourcesOf(emea, 'aws_route53_zone')).toHaveLength(1);
    expect(
      resourcesOf(emea, 'aws_backup_plan')
        .map((p) => p.provider)
        .sort(),
    ).toEqual(['aws.eu_central_1', 'aws.eu_west_1']);
  });
});
