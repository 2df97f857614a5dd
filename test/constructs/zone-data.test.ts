import { BackupVault } from '@cdktf/provider-aws/lib/backup-vault';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { Route53Zone } from '@cdktf/provider-aws/lib/route53-zone';
import { VpcPeeringConnectionAccepterA } from '@cdktf/provider-aws/lib/vpc-peering-connection-accepter';
import {
  ContainerRegistry,
  DatabaseEndpoints,
  DENIED_VAULT_ACTIONS,
  ReplicatedDatabase,
  ZoneBackup,
  ZoneNetwork,
  databaseHostName,
  isBackupCron,
  registryLifecyclePolicy,
} from '../../lib/data';
import { privateSubnetCidrs } from '../../lib/data/private/gateway-cidrs';
import { ACCOUNT, keyArnOf, synthData } from '../helpers/data';
import { Testing, TerraformStack, TerraformVariable } from 'cdktf';
import type { Construct } from 'constructs';
import { Region } from '../../lib/region';
import type { DatabaseEndpointsProps, ZoneBackupProps } from '../../lib/data';
import { resourcesOf, specOf } from '../helpers/platform';

const EMEA = ['eu-west-1', 'eu-central-1', 'eu-west-2'];

describe('ZoneNetwork', () => {
  const { json, tf } = synthData(
    EMEA,
    (stack, regions) => new ZoneNetwork(stack, 'Net', { regions, accountId: ACCOUNT, namePrefix: 'tslj' }),
  );

  it('peers every pair of the zone, requested from one region and accepted in the other', () => {
    const peerings = resourcesOf(tf, 'aws_vpc_peering_connection');
    // Each pair requested by the region whose id sorts first.
    expect(peerings.map((p) => [p.provider, p.peer_region]).sort()).toEqual([
      ['aws.eu_central_1', 'eu-west-1'],
      ['aws.eu_central_1', 'eu-west-2'],
      ['aws.eu_west_1', 'eu-west-2'],
    ]);
    for (const p of peerings) expect(p.peer_owner_id).toBe(ACCOUNT);
    expect(
      resourcesOf(tf, 'aws_vpc_peering_connection_accepter')
        .map((a) => a.provider)
        .sort(),
    ).toEqual(['aws.eu_west_1', 'aws.eu_west_2', 'aws.eu_west_2']);
    expect(json).toHaveResourceWithProperties(VpcPeeringConnectionAccepterA, { auto_accept: true });
  });

  it('does not depend on the order of the regions (found by review: a reorder replaced live peerings)', () => {
    for (const order of [[...EMEA].reverse(), [EMEA[1], EMEA[0], EMEA[2]]]) {
      const other = synthData(
        order,
        (stack, regions) => new ZoneNetwork(stack, 'Net', { regions, accountId: ACCOUNT, namePrefix: 'tslj' }),
      );
      expect(other.tf.resource).toEqual(tf.resource);
    }
  });

  it("routes each private route table to the peers' CIDRs over the peering", () => {
    const routes = resourcesOf(tf, 'aws_route').filter((r) => r.vpc_peering_connection_id);
    // 3 pairs × 2 directions × 3 private route tables
    expect(routes).toHaveLength(18);
    const fromWest1 = routes.filter((r) => r.provider === 'aws.eu_west_1');
    expect(fromWest1.map((r) => r.destination_cidr_block).sort()).toEqual(
      [...Array(3).fill(specOf('eu-west-2').cidr), ...Array(3).fill(specOf('eu-central-1').cidr)].sort(),
    );
    for (const r of fromWest1) expect(r.route_table_id).toMatch(/aws_route_table\.eu-west-1_Network_Private[A-F]Routes_/);
  });

  it("admits 5432 into each database tier from the other regions' gateway subnets only, with matching gateway egress", () => {
    const ingress = resourcesOf(tf, 'aws_vpc_security_group_ingress_rule').filter((r) => r.description?.startsWith('PostgreSQL from'));
    const intoWest1 = ingress.filter((r) => r.provider === 'aws.eu_west_1');
    expect(intoWest1.map((r) => r.cidr_ipv4).sort()).toEqual(
      [
        ...privateSubnetCidrs(specOf('eu-central-1').cidr, specOf('eu-central-1').availabilityZones),
        ...privateSubnetCidrs(specOf('eu-west-2').cidr, specOf('eu-west-2').availabilityZones),
      ].sort(),
    );
    for (const r of ingress) {
      expect(r).toMatchObject({ from_port: 5432, to_port: 5432, ip_protocol: 'tcp' });
      expect(r.security_group_id).toMatch(/NetworkPolicy_Database_/);
    }
    const egress = resourcesOf(tf, 'aws_vpc_security_group_egress_rule').filter((r) => r.description?.startsWith('PostgreSQL to'));
    expect(egress).toHaveLength(18);
    for (const r of egress) expect(r.security_group_id).toMatch(/NetworkPolicy_Gateway_/);
  });

  it('computes the gateway subnets exactly as RegionNetwork lays them out', () => {
    const subnets = resourcesOf(tf, 'aws_subnet').filter((s) => s.provider === 'aws.eu_west_2' && s.tags.Tier === 'private');
    expect(subnets.map((s) => s.cidr_block)).toEqual(privateSubnetCidrs(specOf('eu-west-2').cidr, specOf('eu-west-2').availabilityZones));
  });

  it('refuses an account id that is not twelve digits (before: written as the peer owner)', () => {
    expect(() =>
      synthData(
        ['eu-west-1', 'eu-west-2'],
        (stack, regions) => new ZoneNetwork(stack, 'Net', { regions, accountId: 'abc', namePrefix: 'tslj' }),
      ),
    ).toThrow(/test\/Net: accountId "abc" is not allowed; allowed: a 12-digit AWS account id/);
  });

  it('refuses to connect regions of different residency zones', () => {
    expect(() =>
      synthData(
        ['eu-west-1', 'us-east-1'],
        (stack, regions) => new ZoneNetwork(stack, 'Net', { regions, accountId: ACCOUNT, namePrefix: 'tslj' }),
      ),
    ).toThrow(
      'test/Net: regions[1]: network peering between eu-west-1 (residency zone "emea") and us-east-1 (residency zone "na") is not allowed; network peering stays inside one residency zone',
    );
  });
});

describe('DatabaseEndpoints', () => {
  const { json, tf } = synthData(EMEA, (stack, regions) => {
    const db = new ReplicatedDatabase(stack, 'Db', { primaryRegion: regions[0], regions, projectName: 'taishanglaojun' });
    new DatabaseEndpoints(stack, 'Dns', { residencyZone: 'emea', domain: 'example.com', regions, databases: [db] });
  });

  it('is a private hosted zone per residency zone, associated with every VPC of the zone', () => {
    expect(json).toHaveResourceWithProperties(Route53Zone, { name: 'emea.db.example.com' });
    const zone = resourcesOf(tf, 'aws_route53_zone')[0];
    expect(zone.vpc.map((v: { vpc_region: string }) => v.vpc_region)).toEqual(EMEA);
    for (const v of zone.vpc) expect(v.vpc_id).toMatch(/aws_vpc\./);
  });

  it('has a CNAME per primary and per replica, named as the routing table names them, pointing at the instance', () => {
    const byName = Object.fromEntries(resourcesOf(tf, 'aws_route53_record').map((r) => [r.name, r]));
    const expected = EMEA.map((region) =>
      databaseHostName({ database: 'pg-eu-west-1', region, residencyZone: 'emea', domain: 'example.com' }),
    );
    expect(Object.keys(byName).sort()).toEqual([...expected].sort());
    expect(expected[1]).toBe('pg-eu-west-1.eu-central-1.emea.db.example.com');
    expect(byName[expected[0]].records).toEqual([expect.stringMatching(/aws_db_instance\..*Primary.*\.address/)]);
    expect(byName[expected[1]].records).toEqual([expect.stringMatching(/aws_db_instance\..*ReplicaEuCentral1.*\.address/)]);
    for (const r of Object.values(byName)) expect(r).toMatchObject({ type: 'CNAME', ttl: 30 });
  });

  it('refuses a region or a database of another zone', () => {
    expect(() =>
      synthData(
        ['eu-west-1', 'us-east-1'],
        (stack, regions) => new DatabaseEndpoints(stack, 'Dns', { residencyZone: 'emea', domain: 'example.com', regions, databases: [] }),
      ),
    ).toThrow(
      'test/Dns: regions[1] us-east-1 (residency zone "na") is not allowed; the database names of zone "emea" resolve only in the VPCs of that zone',
    );
    expect(() =>
      synthData(['us-east-1'], (stack, regions) => {
        const db = new ReplicatedDatabase(stack, 'Db', { primaryRegion: regions[0], projectName: 'taishanglaojun' });
        new DatabaseEndpoints(stack, 'Dns', { residencyZone: 'emea', domain: 'example.com', regions: [], databases: [db] });
      }),
    ).toThrow('regions [] is not allowed');
  });
});

describe('DatabaseEndpoints: what QA found passing synth and failing at apply', () => {
  const build =
    (extra: (stack: Construct, regions: Region[]) => Partial<DatabaseEndpointsProps>, ids = EMEA) =>
    () =>
      synthData(ids, (stack, regions) => {
        new DatabaseEndpoints(stack, 'Dns', {
          residencyZone: 'emea',
          domain: 'example.com',
          regions,
          databases: [],
          ...extra(stack, regions),
        });
      });
  const db = (stack: Construct, regions: Region[], name = 'Db') =>
    new ReplicatedDatabase(stack, name, { primaryRegion: regions[0], regions, projectName: 'taishanglaojun' });

  it('refuses a domain that makes a record name longer than 253 characters, naming domain', () => {
    const domain = `${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(50)}.com`;
    expect(build((stack, regions) => ({ domain, databases: [db(stack, regions)] }))).toThrow(
      /test\/Dns: domain "a+\.b+\.\.\. is not allowed; allowed: a domain short enough for every record name \(253 characters at most\): "pg-eu-west-1\.eu-west-1\.emea\.db\.a+\.\.\. has 2\d\d/,
    );
  });

  it("refuses a database whose primary is in a region not given (that VPC could not resolve its own database's name)", () => {
    expect(() =>
      synthData(EMEA, (stack, regions) => {
        const d = new ReplicatedDatabase(stack, 'Db', { primaryRegion: regions[0], regions, projectName: 'taishanglaojun' });
        new DatabaseEndpoints(stack, 'Dns', { residencyZone: 'emea', domain: 'example.com', regions: [regions[1]], databases: [d] });
      }),
    ).toThrow(
      /test\/Dns: databases\[0\] "pg-eu-west-1" is not allowed; allowed: a database whose copies are in the given regions \(eu-central-1\); its primary is in eu-west-1/,
    );
  });

  it('refuses a database without replicas by name (a TypeError before)', () => {
    expect(
      build(() => ({ databases: [{ primary: { regionId: 'eu-west-1' }, residencyZone: 'emea', databaseName: 'x' }] as never })),
    ).toThrow(/test\/Dns: databases\[0\] .* is not allowed; allowed: a ReplicatedDatabase of the zone/);
  });

  it('refuses the same database or region twice, naming the prop (cdktf\'s "already a Construct" before)', () => {
    expect(build((stack, regions) => ({ databases: [db(stack, regions), db(stack, regions, 'Db2')] }))).toThrow(
      /test\/Dns: databases\[1\] "pg-eu-west-1" is not allowed; allowed: each database once \(databases\[0\] has that name\)/,
    );
    expect(build((_stack, regions) => ({ regions: [regions[0], regions[0]] }))).toThrow(
      /test\/Dns: regions\[1\] "eu-west-1" is not allowed; allowed: each region once/,
    );
  });

  it('refuses a second hosted zone of the same name on the same VPCs, and passes a token TTL through', () => {
    expect(() =>
      synthData(EMEA, (stack, regions) => {
        new DatabaseEndpoints(stack, 'Dns', { residencyZone: 'emea', domain: 'example.com', regions, databases: [] });
        new DatabaseEndpoints(stack, 'Dns2', { residencyZone: 'emea', domain: 'example.com', regions, databases: [] });
        Testing.synth(stack as TerraformStack, true);
      }),
    ).toThrow(
      /the private hosted zone "emea.db.example.com" on the VPC of eu-west-1: created again at test\/Dns2?; allowed: one DatabaseEndpoints per residency zone and domain on a VPC/,
    );
    const { tf } = synthData(EMEA, (stack, regions) => {
      const ttl = new TerraformVariable(stack, 'ttl', { type: 'number' }).numberValue;
      new DatabaseEndpoints(stack, 'Dns', {
        residencyZone: 'emea',
        domain: 'example.com',
        regions,
        databases: [db(stack, regions)],
        ttlSeconds: ttl,
      });
    });
    for (const r of resourcesOf(tf, 'aws_route53_record')) expect(r.ttl).toBe('${var.ttl}');
  });
});

describe('ZoneBackup: what QA found passing synth and failing at apply', () => {
  const backup = (extra: (stack: Construct, regions: Region[]) => Partial<ZoneBackupProps>, validate = false) =>
    synthData(EMEA, (stack, regions) => {
      const d = new ReplicatedDatabase(stack, 'Db', { primaryRegion: regions[0], regions, projectName: 'taishanglaojun' });
      new ZoneBackup(stack, 'Backup', {
        residencyZone: 'emea',
        regions,
        databases: [d],
        projectName: 'taishanglaojun',
        ...extra(stack, regions),
      });
      if (validate) Testing.synth(stack as TerraformStack, true);
    });

  it.each([
    // Found by a second QA pass: shapes right, values not.
    ['cron(0/15 * * * ? *)', 'every 15 minutes: AWS Backup runs a plan at most hourly'],
    ['cron(0,30 3 * * ? *)', 'two minute values'],
    ['cron(99 99 * * ? *)', 'minutes and hours out of range'],
    ['cron(0 3 32 * ? *)', 'day 32'],
    ['cron(0 3 * 13 ? *)', 'month 13'],
    ['cron(0 3 ? * 8 *)', 'weekday 8'],
    ['cron(0 3 ? * FOO *)', 'a weekday name that is none'],
    ['cron(0 3 * ? ? *)', '"?" in the month'],
    ['cron(0 3 * * ? ?)', '"?" in the year'],
    ['cron(0 3 1? * ? *)', '"?" inside a value'],
    ['cron(0 3 ** * ? *)', 'a doubled "*"'],
    ['cron(0 3 W * ? *)', '"W" with no day'],
    ['cron(0 3 * * ? 1969)', 'a year before 1970'],
    ['cron( 0 3 * * ? * )', 'spaces inside the parentheses'],
    ['cron(0 3 5-1 * ? *)', 'a range backwards'],
    ['cron(x)', 'one field'],
    ['cron(0 3 * * *)', 'five fields (a Unix cron)'],
    ['cron(0 3 * * * *)', 'no "?" in day-of-month or day-of-week'],
    ['cron(0 3 ? * ? *)', '"?" in both'],
    ['rate(1 day)', 'a rate expression'],
  ])('refuses the schedule %s (%s)', (schedule) => {
    expect(() => backup(() => ({ schedule }))).toThrow(
      new RegExp(
        `test/Backup: schedule "${schedule.replace(/[()*?]/g, '\\$&')}" is not allowed; allowed: an AWS Backup cron expression of six fields`,
      ),
    );
  });

  it('takes the six-field schedules AWS documents, with "?" in one day field', () => {
    for (const schedule of ['cron(0 3 * * ? *)', 'cron(30 1 ? * MON-FRI *)', 'cron(0 */6 1,15 * ? *)', 'cron(0 5 L * ? *)'])
      expect(resourcesOf(backup(() => ({ schedule })).tf, 'aws_backup_plan')[0].rule[0].schedule).toBe(schedule);
    for (const schedule of [
      'cron(0 9 ? * 2#1 *)',
      'cron(0 0 ? * 6L *)',
      'cron(0 0 3W * ? *)',
      'cron(0 0 LW * ? *)',
      'cron(0 0 ? * L *)',
      'cron(0 5 ? JAN,FEB,MAR MON *)',
      'cron(0 5 1 JAN-JUN ? 2025-2030)',
      'cron(0 5 ? * SUN,SAT *)',
      'cron(0 5 ? * 1-5 *)',
      'cron(30 0/12 * * ? *)',
      'cron(0 3  *  * ?  *)',
      'cron(0 3 ? * mon-fri *)',
      'cron(0 3 ? * * *)',
      'cron(0 3 1/7 * ? *)',
      'cron(0 3 ? * 7 *)',
    ])
      expect([schedule, isBackupCron(schedule)]).toEqual([schedule, true]);
  });

  it('refuses a retention above 36,500 days and a database that is no ReplicatedDatabase (a plan named "undefined" before)', () => {
    expect(() => backup(() => ({ retentionDays: 1e9 }))).toThrow(
      /test\/Backup: retentionDays 1000000000 is not allowed; allowed: an integer from 7 to 36500/,
    );
    expect(() =>
      synthData(EMEA, (stack, regions) => {
        new ZoneBackup(stack, 'Backup', {
          residencyZone: 'emea',
          regions,
          databases: [{ primary: { regionId: 'eu-west-1' } }] as never,
          projectName: 'taishanglaojun',
        });
      }),
    ).toThrow(/test\/Backup: databases\[0\] "\(an object without a databaseName, residencyZone, primary and replicas\)" is not allowed/);
  });

  it('takes the same project and zone in two accounts (vault and role names are unique per account)', () => {
    const app = Testing.app();
    for (const [name, account] of [
      ['a', '111122223333'],
      ['b', '444455556666'],
    ] as const) {
      const stack = new TerraformStack(app, name);
      const regions = EMEA.map((id) => new Region(stack, id, { spec: specOf(id), projectName: 'taishanglaojun', accountId: account }));
      new ZoneBackup(stack, 'Backup', { residencyZone: 'emea', regions, databases: [], projectName: 'taishanglaojun' });
    }
    expect(() => app.synth()).not.toThrow();
  });

  it('refuses a copy target, region or database given twice', () => {
    expect(() => backup(() => ({ copyToRegionIds: ['eu-central-1', 'eu-central-1'] }))).toThrow(
      /test\/Backup: copyToRegionIds\[1\] "eu-central-1" is not allowed; allowed: each region once/,
    );
    expect(() => backup((_s, regions) => ({ regions: [...regions, regions[0]] }))).toThrow(
      /test\/Backup: regions\[3\] "eu-west-1" is not allowed; allowed: each region once \(a vault per region\)/,
    );
    expect(() =>
      synthData(EMEA, (stack, regions) => {
        const d = new ReplicatedDatabase(stack, 'Db', { primaryRegion: regions[0], regions, projectName: 'taishanglaojun' });
        new ZoneBackup(stack, 'Backup', { residencyZone: 'emea', regions, databases: [d, d], projectName: 'taishanglaojun' });
      }),
    ).toThrow(/test\/Backup: databases\[1\] "pg-eu-west-1" is not allowed; allowed: each database once/);
  });

  it('refuses a second ZoneBackup of the same project and zone (its vaults and role have the same names)', () => {
    expect(() =>
      backup((stack, regions) => {
        new ZoneBackup(stack, 'Backup2', { residencyZone: 'emea', regions, databases: [], projectName: 'taishanglaojun' });
        return {};
      }, true),
    ).toThrow(
      /the backup vaults and role of zone "emea" for project "taishanglaojun": created again at test\/Backup2?; allowed: one ZoneBackup per project, residency zone and account/,
    );
  });

  it('refuses a token zone or copy list by name (they decide at synth where copies go), never printing the encoding', () => {
    expect(() => backup((stack) => ({ residencyZone: new TerraformVariable(stack, 'zone', { type: 'string' }).stringValue }))).toThrow(
      /test\/Backup: residencyZone is a token; allowed: .*\(it is compared with the regions' zones at synth\)/,
    );
    expect(() =>
      backup((stack) => ({ copyToRegionIds: new TerraformVariable(stack, 'copies', { type: 'list(string)' }).listValue })),
    ).toThrow(/test\/Backup: copyToRegionIds is a token; allowed: a list of region ids/);
  });
});

describe('ZoneBackup', () => {
  const { json, tf } = synthData(EMEA, (stack, regions) => {
    const db = new ReplicatedDatabase(stack, 'Db', { primaryRegion: regions[0], regions, projectName: 'taishanglaojun' });
    new ZoneBackup(stack, 'Backup', { residencyZone: 'emea', regions, databases: [db], projectName: 'taishanglaojun', retentionDays: 30 });
  });

  it('has a vault per storage region encrypted with that region key, whose policy denies deleting recovery points', () => {
    const vaults = resourcesOf(tf, 'aws_backup_vault');
    expect(vaults).toHaveLength(3);
    for (const region of EMEA) {
      const vault = vaults.find((v) => v.name === `taishanglaojun-${region}`);
      expect(vault.provider).toBe(`aws.${region.replace(/-/g, '_')}`);
      expect(vault.kms_key_arn).toEqual(keyArnOf(region));
    }
    expect(json).toHaveResourceWithProperties(BackupVault, { force_destroy: false });
    for (const p of resourcesOf(tf, 'aws_backup_vault_policy')) {
      const statement = JSON.parse(p.policy).Statement[0];
      expect(statement).toMatchObject({ Effect: 'Deny', Principal: { AWS: '*' }, Resource: '*' });
      expect(statement.Action).toEqual([...DENIED_VAULT_ACTIONS]);
      expect(statement.Action).toContain('backup:DeleteRecoveryPoint');
    }
  });

  it("backs the primary up daily in its region and copies only to the zone's other vaults", () => {
    const plan = resourcesOf(tf, 'aws_backup_plan')[0];
    expect(plan.provider).toBe('aws.eu_west_1');
    const rule = plan.rule[0];
    expect(rule).toMatchObject({ schedule: 'cron(0 3 * * ? *)', lifecycle: { delete_after: 30 } });
    expect(rule.target_vault_name).toMatch(/aws_backup_vault\..*Vault-eu-west-1_.*\.name/);
    expect(rule.copy_action.map((c: { destination_vault_arn: string }) => c.destination_vault_arn)).toEqual([
      expect.stringMatching(/Vault-eu-central-1_.*\.arn/),
      expect.stringMatching(/Vault-eu-west-2_.*\.arn/),
    ]);
    const selection = resourcesOf(tf, 'aws_backup_selection')[0];
    expect(selection.resources).toEqual([expect.stringMatching(/aws_db_instance\..*Primary.*\.arn/)]);
  });

  it('refuses a vault or copy target in another residency zone', () => {
    expect(() =>
      synthData(['eu-west-1', 'us-east-1'], (stack, regions) => {
        const db = new ReplicatedDatabase(stack, 'Db', { primaryRegion: regions[0], projectName: 'taishanglaojun' });
        new ZoneBackup(stack, 'Backup', { residencyZone: 'emea', regions, databases: [db], projectName: 'taishanglaojun' });
      }),
    ).toThrow(
      'test/Backup: regions[1] us-east-1 (residency zone "na") is not allowed; backups of zone "emea" are kept and copied only in vaults of zone "emea" (a backup copy never leaves its residency zone)',
    );
    expect(() =>
      synthData(['eu-west-1'], (stack, regions) => {
        const db = new ReplicatedDatabase(stack, 'Db', { primaryRegion: regions[0], projectName: 'taishanglaojun' });
        new ZoneBackup(stack, 'Backup', {
          residencyZone: 'emea',
          regions,
          databases: [db],
          projectName: 'taishanglaojun',
          copyToRegionIds: ['us-east-1'],
        });
      }),
    ).toThrow('copyToRegionIds[0] "us-east-1" is not allowed; allowed: a vault region of zone "emea" (eu-west-1)');
  });
});

describe('ContainerRegistry', () => {
  const { json, tf } = synthData(EMEA, (stack, regions) => {
    new ContainerRegistry(stack, 'Registry', {
      region: regions[0],
      projectName: 'taishanglaojun',
      accountId: ACCOUNT,
      replicateTo: regions.slice(1),
    });
    new ContainerRegistry(stack, 'Registry2', { region: regions[1], projectName: 'taishanglaojun', accountId: ACCOUNT });
  });

  it('has immutable tags, scan on push, the region key and a lifecycle policy', () => {
    expect(json).toHaveResourceWithProperties(EcrRepository, {
      name: 'taishanglaojun/gateway',
      image_tag_mutability: 'IMMUTABLE',
      image_scanning_configuration: { scan_on_push: true },
      force_delete: false,
    });
    const repos = resourcesOf(tf, 'aws_ecr_repository');
    expect(repos.map((r) => [r.provider, r.encryption_configuration[0].kms_key])).toEqual([
      ['aws.eu_central_1', keyArnOf('eu-central-1')],
      ['aws.eu_west_1', keyArnOf('eu-west-1')],
    ]);
    const policies = resourcesOf(tf, 'aws_ecr_lifecycle_policy');
    expect(policies).toHaveLength(2);
    expect(JSON.parse(policies[0].policy)).toEqual(JSON.parse(registryLifecyclePolicy(50, 7)));
  });

  it('replicates the project repositories to the zone regions asked for', () => {
    const replication = resourcesOf(tf, 'aws_ecr_replication_configuration');
    expect(replication).toHaveLength(1);
    const rule = replication[0].replication_configuration.rule[0];
    expect(rule.destination).toEqual([
      { region: 'eu-central-1', registry_id: ACCOUNT },
      { region: 'eu-west-2', registry_id: ACCOUNT },
    ]);
    expect(rule.repository_filter).toEqual([{ filter: 'taishanglaojun/', filter_type: 'PREFIX_MATCH' }]);
  });

  it('refuses repository names over 256 characters and lifecycle counts ECR does not read as integers (found by QA)', () => {
    const registry = (extra: (stack: Construct) => object) => () =>
      synthData(['eu-west-1'], (stack, regions) => {
        new ContainerRegistry(stack, 'Registry', {
          region: regions[0],
          projectName: 'taishanglaojun',
          accountId: ACCOUNT,
          ...extra(stack),
        });
      });
    expect(registry(() => ({ images: ['a'.repeat(250)] }))).toThrow(
      /test\/Registry: images\[0\] "a+\.\.\. is not allowed; allowed: a name that keeps the repository name "<project>\/<image>" within 256 characters \(ECR\); this one gives 265/,
    );
    expect(registry(() => ({ images: ['a'.repeat(241)] }))).not.toThrow();
    expect(registry(() => ({ keepTaggedImages: 3e9 }))).toThrow(
      /keepTaggedImages 3000000000 is not allowed; allowed: an integer from 1 to 2,147,483,647/,
    );
    expect(registry(() => ({ untaggedExpiryDays: 1e21 }))).toThrow(
      /untaggedExpiryDays 1e\+21 is not allowed; allowed: an integer from 1 to 2,147,483,647/,
    );
    // A variable is passed through: Terraform writes its value into the policy text.
    const { tf } = synthData(['eu-west-1'], (stack, regions) => {
      const keep = new TerraformVariable(stack, 'keep', { type: 'number' }).numberValue;
      new ContainerRegistry(stack, 'Registry', {
        region: regions[0],
        projectName: 'taishanglaojun',
        accountId: ACCOUNT,
        keepTaggedImages: keep,
      });
    });
    expect(resourcesOf(tf, 'aws_ecr_lifecycle_policy')[0].policy).toContain('"countNumber":${var.keep}');
    expect(registry((stack) => ({ images: new TerraformVariable(stack, 'images', { type: 'list(string)' }).listValue }))).toThrow(
      /test\/Registry: images is a token; allowed: a list of image names/,
    );
  });

  it('refuses replication to another residency zone', () => {
    expect(() =>
      synthData(['eu-west-1', 'us-east-1'], (stack, regions) => {
        new ContainerRegistry(stack, 'Registry', {
          region: regions[0],
          projectName: 'taishanglaojun',
          accountId: ACCOUNT,
          replicateTo: [regions[1]],
        });
      }),
    ).toThrow(
      'test/Registry: replicateTo[0]: image replication between eu-west-1 (residency zone "emea") and us-east-1 (residency zone "na") is not allowed; image replication stays inside one residency zone',
    );
  });
});
