import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { TerraformVariable } from 'cdktf';
import { ReplicatedDatabase, REPLICATION_PARAMETERS, type ReplicatedDatabaseProps } from '../../lib/data';
import { windowsOverlap } from '../../lib/data/replicated-database';
import type { Region } from '../../lib/region';
import { keyArnOf, synthData } from '../helpers/data';
import { resourcesOf } from '../helpers/platform';

const EMEA = ['eu-west-1', 'eu-central-1', 'eu-west-2'];
const database =
  (extra: Partial<ReplicatedDatabaseProps> = {}) =>
  (stack: import('constructs').Construct, regions: Region[]) =>
    new ReplicatedDatabase(stack, 'Db', { primaryRegion: regions[0], regions, projectName: 'taishanglaojun', ...extra });

describe('ReplicatedDatabase: the primary', () => {
  const { json, tf } = synthData(EMEA, database());
  const instances = resourcesOf(tf, 'aws_db_instance');
  const primary = instances.find((i) => i.identifier === 'taishanglaojun-pg-eu-west-1');

  it('is a Multi-AZ PostgreSQL 16 instance in the primary region, encrypted with that region key', () => {
    expect(json).toHaveResourceWithProperties(DbInstance, {
      identifier: 'taishanglaojun-pg-eu-west-1',
      engine: 'postgres',
      engine_version: '16.8',
      multi_az: true,
      storage_encrypted: true,
      storage_type: 'gp3',
      allocated_storage: 100,
      max_allocated_storage: 1000,
      publicly_accessible: false,
      provider: 'aws.eu_west_1',
    });
    expect(primary.kms_key_id).toEqual(keyArnOf('eu-west-1'));
  });

  it('lets AWS manage the master password in Secrets Manager with the region key; no password anywhere', () => {
    expect(primary).toMatchObject({ manage_master_user_password: true, username: 'dbadmin' });
    expect(primary.master_user_secret_kms_key_id).toEqual(keyArnOf('eu-west-1'));
    expect(json).not.toMatch(/"password"\s*:/);
    expect(json).not.toMatch(/random_password/);
  });

  it('has IAM authentication, 7-day backups, deletion protection, a final snapshot and minor upgrades in a window', () => {
    expect(primary).toMatchObject({
      iam_database_authentication_enabled: true,
      backup_retention_period: 7,
      backup_window: '17:00-18:00',
      deletion_protection: true,
      skip_final_snapshot: false,
      final_snapshot_identifier: 'taishanglaojun-pg-eu-west-1-final',
      auto_minor_version_upgrade: true,
      maintenance_window: 'sun:18:30-sun:19:30',
    });
  });

  it('cannot be destroyed by a plan (prevent_destroy)', () => {
    for (const instance of instances) expect(instance.lifecycle).toEqual({ prevent_destroy: true });
  });

  it('encrypts Performance Insights and the exported logs with the region key', () => {
    expect(primary.performance_insights_enabled).toBe(true);
    expect(primary.performance_insights_kms_key_id).toEqual(keyArnOf('eu-west-1'));
    expect(primary.enabled_cloudwatch_logs_exports).toEqual(['postgresql', 'upgrade']);
    const groups = resourcesOf(tf, 'aws_cloudwatch_log_group').filter((g) => g.name.includes('taishanglaojun-pg-eu-west-1/'));
    expect(groups.map((g) => g.name).sort()).toEqual([
      '/aws/rds/instance/taishanglaojun-pg-eu-west-1/postgresql',
      '/aws/rds/instance/taishanglaojun-pg-eu-west-1/upgrade',
    ]);
    for (const g of groups) expect(g.kms_key_id).toEqual(keyArnOf('eu-west-1'));
    // The groups exist before RDS writes to them (else RDS creates them unencrypted).
    expect(primary.depends_on).toHaveLength(2);
  });

  it("sits in the region's private subnets and database-tier security group", () => {
    const group = resourcesOf(tf, 'aws_db_subnet_group').find((g) => g.name === 'taishanglaojun-pg-eu-west-1-eu-west-1');
    expect(group.subnet_ids).toHaveLength(3);
    for (const id of group.subnet_ids) expect(id).toMatch(/aws_subnet\.eu-west-1_Network_Private[A-F]_/);
    expect(primary.vpc_security_group_ids).toEqual([expect.stringMatching(/aws_security_group\.eu-west-1_NetworkPolicy_Database_/)]);
  });

  it("uses a parameter group with the design's replication settings, replaced create-before-destroy", () => {
    const groups = resourcesOf(tf, 'aws_db_parameter_group');
    expect(groups).toHaveLength(3);
    const mine = groups.find((g) => g.name_prefix === 'taishanglaojun-pg-eu-west-1-eu-west-1-');
    expect(mine.family).toBe('postgres16');
    expect(mine.lifecycle).toEqual({ create_before_destroy: true });
    const params = Object.fromEntries(mine.parameter.map((p: { name: string; value: string }) => [p.name, p.value]));
    expect(params).toMatchObject({ max_wal_senders: '10', synchronous_commit: 'on', 'rds.force_ssl': '1', wal_keep_size: '2048' });
    expect(params.log_min_duration_statement).toBe('1000');
    expect(mine.parameter).toHaveLength(REPLICATION_PARAMETERS.length);
    expect(params).not.toHaveProperty('synchronous_standby_names');
    expect(primary.parameter_group_name).toMatch(/aws_db_parameter_group\..*Primary.*\.name/);
  });
});

describe('ReplicatedDatabase: read replicas', () => {
  const { tf } = synthData(EMEA, database());
  const replicas = resourcesOf(tf, 'aws_db_instance').filter((i) => i.replicate_source_db);

  it("default to the zone's other storage regions, each encrypted with its own region's key", () => {
    expect(replicas.map((r) => [r.identifier, r.provider])).toEqual([
      ['taishanglaojun-pg-eu-west-1-eu-central-1', 'aws.eu_central_1'],
      ['taishanglaojun-pg-eu-west-1-eu-west-2', 'aws.eu_west_2'],
    ]);
    expect(replicas[0].kms_key_id).toEqual(keyArnOf('eu-central-1'));
    expect(replicas[1].kms_key_id).toEqual(keyArnOf('eu-west-2'));
    expect(replicas[1].performance_insights_kms_key_id).toEqual(keyArnOf('eu-west-2'));
    for (const r of replicas) {
      expect(r.replicate_source_db).toMatch(/^\$\{aws_db_instance\..*Primary.*\.arn\}$/);
      expect(r).toMatchObject({ storage_encrypted: true, iam_database_authentication_enabled: true, deletion_protection: true });
      expect(r).not.toHaveProperty('username');
      expect(r).not.toHaveProperty('manage_master_user_password');
    }
  });

  it('have a ReplicaLag alarm each, on their own identifier, at the configured threshold', () => {
    // (the region's security alarms on the audit trail are aws_cloudwatch_metric_alarm too)
    const alarms = resourcesOf(tf, 'aws_cloudwatch_metric_alarm').filter((a) => a.namespace === 'AWS/RDS');
    expect(alarms.map((a) => [a.provider, a.dimensions.DBInstanceIdentifier])).toEqual([
      ['aws.eu_central_1', 'taishanglaojun-pg-eu-west-1-eu-central-1'],
      ['aws.eu_west_2', 'taishanglaojun-pg-eu-west-1-eu-west-2'],
    ]);
    for (const a of alarms)
      expect(a).toMatchObject({
        namespace: 'AWS/RDS',
        metric_name: 'ReplicaLag',
        threshold: 30,
        comparison_operator: 'GreaterThanThreshold',
      });
  });

  it("notify the replica region's alarm topic by default, and the topics given in alarmActions instead", () => {
    const topicOf = (regionId: string) =>
      expect.stringMatching(new RegExp(`^\\$\\{aws_sns_topic\\.${regionId}_Audit_Alarms_Topic_[A-F0-9]+\\.arn\\}$`));
    const lagAlarms = (t: typeof tf) => resourcesOf(t, 'aws_cloudwatch_metric_alarm').filter((a) => a.namespace === 'AWS/RDS');
    for (const a of lagAlarms(tf)) {
      const regionId = String(a.dimensions.DBInstanceIdentifier).replace('taishanglaojun-pg-eu-west-1-', '');
      expect(a.alarm_actions).toEqual([topicOf(regionId)]);
      expect(a.ok_actions).toEqual([topicOf(regionId)]);
    }
    const pager = 'arn:aws:sns:eu-west-2:123456789012:pager';
    const { tf: told } = synthData(EMEA, database({ alarmActions: { 'eu-west-2': [pager], 'eu-central-1': [] } }));
    const byRegion = Object.fromEntries(lagAlarms(told).map((a) => [a.provider, a]));
    expect(byRegion['aws.eu_west_2']).toMatchObject({ alarm_actions: [pager], ok_actions: [pager] });
    expect(byRegion['aws.eu_central_1'].alarm_actions ?? []).toEqual([]);
  });

  it('alarmActions: a list of at most five action ARNs per region (a token allowed), named by region', () => {
    const six = [1, 2, 3, 4, 5, 6].map((n) => `arn:aws:sns:eu-west-2:123456789012:t${n}`);
    const refused = (alarmActions: unknown) => () => synthData(EMEA, database({ alarmActions } as Partial<ReplicatedDatabaseProps>));
    // Six ARNs passed synth and failed terraform validate (alarm_actions and ok_actions take at most 5).
    expect(refused({ 'eu-west-2': six })).toThrow(
      /test\/Db: alarmActions\.eu-west-2 \[.*\(6 items\) is not allowed; allowed: at most 5 alarm action ARNs \(CloudWatch's limit/,
    );
    // A string was spread into its characters.
    expect(refused({ 'eu-west-2': 'arn:aws:sns:eu-west-2:123456789012:pager' })).toThrow(
      'test/Db: alarmActions.eu-west-2 "arn:aws:sns:eu-west-2:123456789012:pager" is not allowed; allowed: a list of at most 5 alarm action ARNs',
    );
    expect(refused({ 'eu-west-2': ['pager'] })).toThrow(
      'test/Db: alarmActions.eu-west-2[0] "pager" is not allowed; allowed: an action ARN',
    );
    expect(refused({ 'eu-west-2': [42] })).toThrow('test/Db: alarmActions.eu-west-2[0] 42 is not allowed; allowed: an action ARN');
    expect(refused(['arn:aws:sns:eu-west-2:123456789012:pager'])).toThrow(
      /test\/Db: alarmActions .* is not allowed; allowed: a map of region id/,
    );
    // found by review: a Map's entries were dropped (the region's default topic used), a string token
    // passed synth and failed terraform validate (a set of strings required)
    expect(refused(new Map([['eu-west-2', ['arn:aws:sns:eu-west-2:123456789012:pager']]]))).toThrow(
      /test\/Db: alarmActions .* is not allowed; allowed: a map of region id .*\(a plain object, not a Map\)/,
    );
    expect(() =>
      synthData(EMEA, (stack, regions) => {
        const one = new TerraformVariable(stack, 'one', { type: 'string' }).stringValue;
        database({ alarmActions: { 'eu-west-2': one as unknown as string[] } })(stack, regions);
      }),
    ).toThrow(
      /test\/Db: alarmActions\.eu-west-2 is a string token; allowed: a list of at most 5 alarm action ARNs, or a list token .*not a string/,
    );
    expect(refused({ 'eu-north-1': [] })).toThrow(
      'test/Db: alarmActions.eu-north-1 "eu-north-1" is not allowed; allowed: a region with a replica',
    );
    // Tokens: an ARN from a variable, and a whole list from one, are written as given.
    const { tf: tokens } = synthData(EMEA, (stack, regions) => {
      const arn = new TerraformVariable(stack, 'pager', { type: 'string' }).stringValue;
      const list = new TerraformVariable(stack, 'topics', { type: 'list(string)' }).listValue;
      database({ alarmActions: { 'eu-west-2': [arn], 'eu-central-1': list } })(stack, regions);
    });
    const byRegion = Object.fromEntries(
      resourcesOf(tokens, 'aws_cloudwatch_metric_alarm')
        .filter((a) => a.namespace === 'AWS/RDS')
        .map((a) => [a.provider, a]),
    );
    expect(byRegion['aws.eu_west_2']).toMatchObject({ alarm_actions: ['${var.pager}'], ok_actions: ['${var.pager}'] });
    expect(byRegion['aws.eu_central_1']).toMatchObject({ alarm_actions: '${var.topics}', ok_actions: '${var.topics}' });
  });

  it('are placed only where asked, and the alarm threshold follows the prop', () => {
    const { json, tf: one } = synthData(EMEA, database({ replicaRegionIds: ['eu-west-2'], replicaLagThresholdSeconds: 12 }));
    expect(resourcesOf(one, 'aws_db_instance')).toHaveLength(2);
    expect(json).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      threshold: 12,
      dimensions: { DBInstanceIdentifier: 'taishanglaojun-pg-eu-west-1-eu-west-2' },
    });
  });
});

describe('ReplicatedDatabase: residency', () => {
  it('refuses a replica in another residency zone, naming both regions, both zones and the rule', () => {
    expect(() => synthData(['eu-west-1', 'us-east-1'], database({ replicaRegionIds: ['us-east-1'] }))).toThrow(
      'test/Db: replicaRegionIds[0]: a read replica in us-east-1 (residency zone "na") of data in eu-west-1 (residency zone "emea") is not allowed; zone "emea" may copy personal data only to "emea" (residencyZones[].allowedCopyTo)',
    );
  });

  it("allows it when the zone's allowedCopyTo names the other zone", () => {
    const { tf } = synthData(['eu-west-1', 'us-east-1'], database({ replicaRegionIds: ['us-east-1'], allowedCopyTo: ['emea', 'na'] }));
    expect(resourcesOf(tf, 'aws_db_instance').map((i) => i.provider)).toEqual(['aws.eu_west_1', 'aws.us_east_1']);
  });

  it('by default never places a replica outside the zone', () => {
    const { tf } = synthData(['eu-west-1', 'us-east-1', 'eu-west-2'], database());
    expect(resourcesOf(tf, 'aws_db_instance').map((i) => i.provider)).toEqual(['aws.eu_west_1', 'aws.eu_west_2']);
  });
});

describe('ReplicatedDatabase: bad props', () => {
  it.each([
    [{ engineVersion: '15.4' }, 'engineVersion "15.4" is not allowed; allowed: a PostgreSQL 16.x or 17.x version'],
    [{ instanceClass: 'r6g.large' }, 'instanceClass "r6g.large" is not allowed; allowed: an RDS instance class'],
    [{ backupRetentionDays: 3 }, 'backupRetentionDays 3 is not allowed; allowed: an integer from 7 to 35'],
    // Found by QA: Infinity passed `> 0` and the alarm's threshold was written as null.
    [
      { replicaLagThresholdSeconds: Infinity },
      'replicaLagThresholdSeconds Infinity is not allowed; allowed: a finite number of seconds > 0 and at most 2147483',
    ],
    [{ replicaLagThresholdSeconds: 0 }, 'replicaLagThresholdSeconds 0 is not allowed; allowed: a finite number of seconds > 0'],
    [{ replicaLagThresholdSeconds: NaN }, 'replicaLagThresholdSeconds NaN is not allowed; allowed: a finite number of seconds > 0'],
    [{ replicaLagThresholdSeconds: 2147484 }, 'replicaLagThresholdSeconds 2147484 is not allowed; allowed: a finite number'],
    [
      { maxAllocatedStorageGiB: 50 },
      'maxAllocatedStorageGiB 50 is not allowed; allowed: an integer from allocatedStorageGiB (100) to 65536',
    ],
    [{ backupWindow: '25:00-26:00' }, 'backupWindow "25:00-26:00" is not allowed'],
    [{ maintenanceWindow: 'sunday 3am' }, 'maintenanceWindow "sunday 3am" is not allowed'],
    [
      { backupWindow: '18:00-19:00' },
      'backupWindow "18:00-19:00" is not allowed; allowed: a window that does not overlap the maintenance window "sun:18:30-sun:19:30" (the default) on any day',
    ],
    [
      { backupWindow: '23:30-00:30', maintenanceWindow: 'mon:00:00-mon:01:00' },
      'backupWindow "23:30-00:30" is not allowed; allowed: a window that does not overlap',
    ],
    [
      { backupWindow: '00:00-00:45', maintenanceWindow: 'sun:23:30-mon:00:15' },
      'backupWindow "00:00-00:45" is not allowed; allowed: a window that does not overlap',
    ],
    [{ backupWindow: '03:00-03:10' }, 'backupWindow "03:00-03:10" is not allowed; allowed: a window of at least 30 minutes'],
    [{ backupWindow: '03:00-03:00' }, 'backupWindow "03:00-03:00" is not allowed; allowed: a window of at least 30 minutes'],
    [
      { maintenanceWindow: 'mon:04:00-mon:04:10' },
      'maintenanceWindow "mon:04:00-mon:04:10" is not allowed; allowed: a window of at least 30 minutes',
    ],
    [
      { maintenanceWindow: 'tue:17:15-tue:17:45' },
      'maintenanceWindow "tue:17:15-tue:17:45" is not allowed; allowed: a window that does not overlap the backup window "17:00-18:00" (the default)',
    ],
    [
      { logRetentionDays: 42 },
      "logRetentionDays 42 is not allowed; allowed: one of CloudWatch Logs' retention periods: 1, 3, 5, 7, 14, 30",
    ],
    [
      { replicaRegionIds: ['eu-north-1'] },
      'replicaRegionIds[0] "eu-north-1" is not allowed; allowed: one of the given regions (eu-west-1, eu-central-1, eu-west-2)',
    ],
    [{ replicaRegionIds: ['eu-west-1'] }, 'replicaRegionIds[0] "eu-west-1" is not allowed; allowed: a region other than the primary\'s'],
    [
      { projectName: 'acme-platform-eu-data', databaseName: 'orders-and-invoices-of-europe-x' },
      'gives the RDS identifier "acme-platform-eu-data-orders-and-invoices-of-europe-x-eu-central-1" (66 characters), which is not allowed; allowed: at most 63',
    ],
    // A trailing "-" (which gave the RDS identifier "acme--pg-eu-west-1") is refused by the project-name rule itself.
    [{ projectName: 'acme-' }, 'projectName "acme-" is not allowed; allowed: 2-21 lower-case letters, digits and single "-" between them'],
    [
      { parameters: [{ name: 'synchronous_standby_names', value: 'a', applyMethod: 'immediate' as const }] },
      'parameter "synchronous_standby_names" is not allowed; RDS Multi-AZ replicates the standby synchronously',
    ],
    // Parameters of the wrong shape were written into the parameter group as given (a number name, no value).
    [
      { parameters: [{ name: 42, value: '1', applyMethod: 'immediate' }] as never },
      'parameters[0].name 42 is not allowed; allowed: a PostgreSQL or RDS parameter name',
    ],
    [{ parameters: [{ name: 'work mem', value: '1', applyMethod: 'immediate' as const }] }, 'parameters[0].name "work mem" is not allowed'],
    [
      { parameters: [{ name: 'work_mem', applyMethod: 'immediate' }] as never },
      'parameters[0].value undefined is not allowed; allowed: the setting as non-empty text',
    ],
    [
      { parameters: [{ name: 'work_mem', value: '64MB', applyMethod: 'now' }] as never },
      'parameters[0].applyMethod "now" is not allowed; allowed: "immediate"',
    ],
    [{ parameters: ['work_mem=64MB'] as never }, 'parameters[0] "work_mem=64MB" is not allowed; allowed: { name, value, applyMethod }'],
    [
      {
        parameters: [
          { name: 'work_mem', value: '64MB', applyMethod: 'immediate' },
          { name: 'WORK_MEM', value: '1MB', applyMethod: 'immediate' },
        ] as never,
      },
      'parameters[1].name "WORK_MEM" is not allowed; allowed: each parameter once',
    ],
    // Found by review: a different case slipped past the built-in and the RDS-managed lists.
    [
      { parameters: [{ name: 'MAX_WAL_SENDERS', value: '20', applyMethod: 'pending-reboot' as const }] },
      'parameters[0].name "MAX_WAL_SENDERS" is not allowed; allowed: the spelling RDS lists, "max_wal_senders"',
    ],
    [
      { parameters: [{ name: 'WAL_LEVEL', value: 'logical', applyMethod: 'pending-reboot' as const }] },
      'parameter "WAL_LEVEL" is not allowed; RDS sets it',
    ],
    // Found by review: TLS-only connections, which the construct documents, could be turned off.
    [
      { parameters: [{ name: 'rds.force_ssl', value: '0', applyMethod: 'immediate' as const }] },
      'Parameters: parameters[0].value "0" is not allowed; allowed: "1" (rds.force_ssl: the database accepts TLS connections only',
    ],
    [
      { parameters: [{ name: 'RDS.Force_SSL', value: 'off', applyMethod: 'immediate' as const }] },
      'parameters[0].value "off" is not allowed; allowed: "1" (RDS.Force_SSL: the database accepts TLS connections only',
    ],
    [
      { parameters: [{ name: 'primary_conninfo', value: 'host=x', applyMethod: 'pending-reboot' as const }] },
      'parameter "primary_conninfo" is not allowed; recovery.conf settings',
    ],
  ])('%j is refused', (props, message) => {
    expect(() => synthData(EMEA, database(props))).toThrow(message);
  });

  it('a parameter named like an Object.prototype member is an ordinary parameter (found by review: "allowed: undefined")', () => {
    const { tf } = synthData(['eu-west-1'], database({ parameters: [{ name: 'constructor', value: 'x', applyMethod: 'immediate' }] }));
    const group = resourcesOf(tf, 'aws_db_parameter_group')[0] as { parameter: Array<Record<string, string>> };
    expect(group.parameter).toContainEqual({ name: 'constructor', value: 'x', apply_method: 'immediate' });
  });

  it('a parameter value or apply method from a Terraform variable is written as the token; a parameter list that is a token is refused', () => {
    const { tf } = synthData(['eu-west-1'], (stack, regions) => {
      const value = new TerraformVariable(stack, 'workMem', { type: 'string' }).stringValue;
      const applyMethod = new TerraformVariable(stack, 'apply', { type: 'string' }).stringValue as 'immediate';
      database({ parameters: [{ name: 'work_mem', value, applyMethod }] })(stack, regions);
    });
    const group = resourcesOf(tf, 'aws_db_parameter_group')[0] as { parameter: Array<Record<string, string>> };
    expect(group.parameter).toContainEqual({ name: 'work_mem', value: '${var.workMem}', apply_method: '${var.apply}' });
    expect(() =>
      synthData(['eu-west-1'], (stack, regions) => {
        const list = new TerraformVariable(stack, 'params', { type: 'list(object({name=string}))' }).listValue as never;
        database({ parameters: list })(stack, regions);
      }),
    ).toThrow(/Parameters: parameters is a token; allowed: a literal list of \{ name, value, applyMethod \}/);
    // A name from a variable (\`.value\` is typed any): named as a token, not a TypeError from inside.
    const nameToken = () =>
      synthData(['eu-west-1'], (stack, regions) => {
        const name = new TerraformVariable(stack, 'n', {}).value as string;
        database({ parameters: [{ name, value: '1', applyMethod: 'immediate' }] })(stack, regions);
      });
    expect(nameToken).toThrow(/parameters\[0\]\.name is a token; allowed: a literal PostgreSQL or RDS parameter name/);
    expect(nameToken).not.toThrow(TypeError);
  });

  it('rds.force_ssl: "1" (the built-in value) is accepted, a token is refused by name (the TLS guarantee is checked at synth)', () => {
    const { tf } = synthData(
      ['eu-west-1'],
      database({ parameters: [{ name: 'rds.force_ssl', value: '1', applyMethod: 'pending-reboot' }] }),
    );
    const group = resourcesOf(tf, 'aws_db_parameter_group')[0] as { parameter: Array<Record<string, string>> };
    expect(group.parameter).toContainEqual({ name: 'rds.force_ssl', value: '1', apply_method: 'pending-reboot' });
    expect(() =>
      synthData(['eu-west-1'], (stack, regions) => {
        const value = new TerraformVariable(stack, 'ssl', { type: 'string' }).stringValue;
        database({ parameters: [{ name: 'rds.force_ssl', value, applyMethod: 'immediate' }] })(stack, regions);
      }),
    ).toThrow(/parameters\[0\]\.value is a token; allowed: "1" \(rds\.force_ssl: .*\) \(the guarantee is checked at synth\)/);
  });

  it('a token project name (a Terraform variable) is accepted; the rest of the identifier is still checked', () => {
    const { tf } = synthData(['eu-west-1'], (stack, regions) => {
      const projectName = new TerraformVariable(stack, 'project', { type: 'string' }).stringValue;
      database({ projectName })(stack, regions);
    });
    expect(resourcesOf(tf, 'aws_db_instance')[0].identifier).toBe('${var.project}-pg-eu-west-1');
    expect(() =>
      synthData(['eu-west-1'], (stack, regions) => {
        const projectName = new TerraformVariable(stack, 'project', { type: 'string' }).stringValue;
        database({ projectName, databaseName: 'ord--ers' })(stack, regions);
      }),
    ).toThrow(
      /projectName \(a token\) with databaseName "ord--ers" gives the RDS identifier "<projectName>-ord--ers" \(9 characters \+ the project name's\), which is not allowed/,
    );
    expect(() =>
      synthData(['eu-west-1'], (stack, regions) => {
        const databaseName = new TerraformVariable(stack, 'db', { type: 'string' }).stringValue;
        database({ databaseName })(stack, regions);
      }),
    ).toThrow(/test\/Db: databaseName is a token; allowed: 2-31 lower-case letters/);
  });

  it('two databases with one identifier in one region are refused once the tree is built', () => {
    const errorsOf = (second: string | undefined) => {
      let errors: string[] = [];
      synthData(['eu-west-1'], (stack, regions) => {
        new ReplicatedDatabase(stack, 'A', { primaryRegion: regions[0], regions, projectName: 'taishanglaojun', databaseName: 'orders' });
        new ReplicatedDatabase(stack, 'B', { primaryRegion: regions[0], regions, projectName: 'taishanglaojun', databaseName: second });
        errors = stack.node.findAll().flatMap((c) => c.node.validate());
      });
      return errors.join('\n');
    };
    expect(errorsOf('orders')).toMatch(
      /databaseName "orders" gives the RDS identifier of another database in eu-west-1 \(test\/B\); allowed: one database per name and region/,
    );
    expect(errorsOf('invoices')).not.toMatch(/another database/);
  });

  it('PostgreSQL 17 gets the postgres17 parameter family', () => {
    const { tf } = synthData(['eu-west-1'], database({ engineVersion: '17.2' }));
    expect(resourcesOf(tf, 'aws_db_parameter_group')[0].family).toBe('postgres17');
  });
});

describe('windowsOverlap (backup window, daily; maintenance window, weekly; both UTC)', () => {
  it.each([
    ['17:00-18:00', 'sun:18:30-sun:19:30', false],
    ['18:00-19:00', 'sun:18:30-sun:19:30', true],
    ['01:00-02:00', 'sun:23:00-mon:00:30', false],
    ['00:00-00:45', 'sun:23:30-mon:00:15', true],
    ['23:30-00:30', 'wed:00:00-wed:01:00', true],
    ['22:00-23:00', 'sat:23:00-sat:23:30', false],
  ])('%s against %s: %s', (backup, maintenance, overlap) => {
    expect(windowsOverlap(backup, maintenance)).toBe(overlap);
  });
});
