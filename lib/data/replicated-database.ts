import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { DatabaseParameterGroup, type DatabaseParameter } from './database-parameter-group';
import { DATABASE_PORT, databaseNameOf, rdsInstanceIdentifier } from './endpoint-names';
import type { IRegion } from './private/region-api';
import { assertCopyAllowed } from './private/residency';
import { formatValue } from '../../runtime/problem';
import {
  checkText,
  propError,
  requireLiteral,
  checkRequiredProps,
  checkRegionLike,
  checkRegionList,
  checkBoolean,
  checkList,
} from '../private/prop-checks';
import { MAX_DURATION_SECONDS, PROJECT_NAME } from '../limits';

/** One copy of a database (the primary or a read replica), as other constructs see it. */
export interface IDatabaseCopy {
  /** Region the copy runs in. */
  readonly regionId: string;
  /** RDS instance identifier (known at synth, unless the project name is a token). */
  readonly instanceIdentifier: string;
  readonly instanceArn: string;
  /** RDS host name (known after apply); the stable name is in DatabaseEndpoints. */
  readonly address: string;
  readonly port: number;
}

/** A PostgreSQL database: a Multi-AZ primary and its cross-region read replicas. */
export interface IReplicatedDatabase {
  /** e.g. "pg-eu-west-1". */
  readonly databaseName: string;
  readonly residencyZone: string;
  readonly primary: IDatabaseCopy;
  readonly replicas: readonly IDatabaseCopy[];
}

/** CloudWatch metric of a replica's lag (seconds), dimension `DBInstanceIdentifier`. */
export const REPLICA_LAG_METRIC = { namespace: 'AWS/RDS', metricName: 'ReplicaLag', dimension: 'DBInstanceIdentifier' } as const;

/** The PostgreSQL log types exported to CloudWatch Logs. */
export const DATABASE_LOG_EXPORTS = ['postgresql', 'upgrade'] as const;

export interface ReplicatedDatabaseProps {
  /** Region of the primary: its private subnets, database security group and key are used. */
  readonly primaryRegion: IRegion;
  /** Regions that may hold replicas (normally every region of the stack). @default [primaryRegion] */
  readonly regions?: readonly IRegion[];
  /** Region ids of the read replicas, each in `regions`. @default every other region of `regions` in the primary's residency zone that runs storage */
  readonly replicaRegionIds?: readonly string[];
  /** Zones the primary's zone may copy personal data to (the config's `allowedCopyTo`). @default only its own zone */
  readonly allowedCopyTo?: readonly string[];
  /** Project name, the first part of every identifier. */
  readonly projectName: string;
  /** Database name. @default "pg-<primary region>" */
  readonly databaseName?: string;
  /** PostgreSQL version, 16.x or 17.x. @default "16.8" */
  readonly engineVersion?: string;
  /** Instance class of the primary. @default "db.r6g.large" */
  readonly instanceClass?: string;
  /** Instance class of each replica. @default instanceClass */
  readonly replicaInstanceClass?: string;
  /** Give each replica its own in-region standby too. @default false */
  readonly replicaMultiAz?: boolean;
  /** Allocated gp3 storage, GiB. @default 100 */
  readonly allocatedStorageGiB?: number;
  /** Ceiling of storage autoscaling, GiB. @default 1000 */
  readonly maxAllocatedStorageGiB?: number;
  /** Automated backup retention, days (7–35). @default 7 */
  readonly backupRetentionDays?: number;
  /** Daily backup window, UTC "hh:mm-hh:mm". @default "17:00-18:00" */
  readonly backupWindow?: string;
  /** Weekly maintenance window (minor upgrades), UTC "ddd:hh:mm-ddd:hh:mm". @default "sun:18:30-sun:19:30" */
  readonly maintenanceWindow?: string;
  /** Replica lag, seconds, above which a replica's alarm fires. @default 30 */
  readonly replicaLagThresholdSeconds?: number;
  /**
   * SNS topic ARNs notified by the replica-lag alarms, per replica region id (an empty list: none):
   * at most 5 per region (CloudWatch's limit), each an ARN or a token; a list token is allowed.
   * @default the replica region's alarm topic ({@link IRegion.alarmTopicArn}), none when it has none
   */
  readonly alarmActions?: Readonly<Record<string, readonly string[]>>;
  /** Retention of the exported PostgreSQL logs, days. @default 365 */
  readonly logRetentionDays?: number;
  /** Extra parameter group settings. @default none (REPLICATION_PARAMETERS only) */
  readonly parameters?: readonly DatabaseParameter[];
}

const BACKUP_WINDOW = /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/;
/** The retention periods CloudWatch Logs accepts, days (PutRetentionPolicy). */
export const CLOUDWATCH_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const WEEK = 7 * 1440;

/** Minutes since Monday 00:00 of `ddd:hh:mm`, or minutes since midnight of `hh:mm`. */
function minutesOf(text: string): number {
  const parts = text.split(':');
  const [day, h, m] = parts.length === 3 ? [DAYS.indexOf(parts[0]), parts[1], parts[2]] : [0, parts[0], parts[1]];
  return day * 1440 + Number(h) * 60 + Number(m);
}

/** Length in minutes of `start-end` (`hh:mm` within a day, `ddd:hh:mm` within a week); 0 when start = end. */
function windowMinutes(window: string, period: number): number {
  const [a, b] = window.split('-').map(minutesOf);
  return (((b - a) % period) + period) % period;
}

/**
 * Whether the daily backup window `hh:mm-hh:mm` overlaps the weekly maintenance window
 * `ddd:hh:mm-ddd:hh:mm` (both UTC, either may cross midnight or the week's end).
 */
export function windowsOverlap(backup: string, maintenance: string): boolean {
  const [b0, b1] = backup.split('-').map(minutesOf);
  const [m0, m1] = maintenance.split('-').map(minutesOf);
  const span = (a: number, b: number, period: number) => [a, b > a ? b : b + period] as const;
  const [ms, me] = span(m0, m1, WEEK);
  const [bs, be] = span(b0, b1, 1440);
  // The backup window repeats every day: test each day's copy (and the week before, for a
  // maintenance window that wraps past Sunday) against the maintenance window.
  for (let day = -1; day <= 7; day++) {
    const s = bs + day * 1440;
    const e = be + day * 1440;
    if (s < me && ms < e) return true;
  }
  return false;
}

const MAINTENANCE_WINDOW = /^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d$/;

/**
 * The design's primary/standby PostgreSQL (数据同步策略) on RDS: a Multi-AZ primary (synchronous
 * standby in another AZ of its region) and encrypted cross-region read replicas, only where the
 * residency zone allows the copy. Storage, Performance Insights, logs and the AWS-managed master
 * password are encrypted with each region's key; IAM authentication, deletion protection, final
 * snapshot and `prevent_destroy` on every instance; one ReplicaLag alarm per replica.
 */
export class ReplicatedDatabase extends Construct implements IReplicatedDatabase {
  readonly databaseName: string;
  readonly residencyZone: string;
  readonly primary: IDatabaseCopy;
  readonly replicas: IDatabaseCopy[] = [];
  /** The primary RDS instance. */
  readonly primaryInstance: DbInstance;
  /** Replica RDS instances, per region id. */
  readonly replicaInstances: Record<string, DbInstance> = {};
  /** Replica-lag alarms, per region id. */
  readonly replicaLagAlarms: Record<string, CloudwatchMetricAlarm> = {};
  #identifier = '';
  #homeRegion = '';

  constructor(scope: Construct, id: string, props: ReplicatedDatabaseProps) {
    super(scope, id);
    checkRequiredProps<ReplicatedDatabaseProps>(this.node.path, props, {
      primaryRegion: "a Region of the config (an IRegion: new Region(...) or one of a continent stack's regions)",
      projectName: PROJECT_NAME.allowed,
    });
    checkBoolean(this, 'replicaMultiAz', props.replicaMultiAz);
    checkList(this, 'replicaRegionIds', props.replicaRegionIds, 'a list');
    checkList(this, 'parameters', props.parameters, 'a list');
    checkRegionLike(this, 'primaryRegion', props.primaryRegion);
    if (props.regions !== undefined) checkRegionList(this, 'regions', props.regions);
    checkAlarmActions(this, props.alarmActions);
    const path = this.node.path;
    const fail = (field: string, value: unknown, allowed: string): never => propError(this, field, value, allowed);
    const home = props.primaryRegion;
    const zone = home.spec.residencyZone;
    this.residencyZone = zone;
    this.databaseName = props.databaseName ?? databaseNameOf(home.regionId);
    requireLiteral(this, 'databaseName', this.databaseName, '2-31 lower-case letters, digits and "-"', 'it names the endpoints at synth');
    if (!/^[a-z][a-z0-9-]{1,30}$/.test(this.databaseName))
      fail('databaseName', this.databaseName, '2-31 lower-case letters, digits and "-"');
    if (!home.spec.services.includes('storage'))
      fail('primaryRegion', home.regionId, `a region that runs "storage" (${home.regionId} runs ${home.spec.services.join(', ')})`);

    const engineVersion = props.engineVersion ?? '16.8';
    const major = /^(1[6-7])\.\d+$/.exec(engineVersion);
    if (!major) fail('engineVersion', engineVersion, 'a PostgreSQL 16.x or 17.x version known at synth, e.g. "16.8"');
    const family = `postgres${major![1]}`;
    const instanceClass = props.instanceClass ?? 'db.r6g.large';
    const replicaInstanceClass = props.replicaInstanceClass ?? instanceClass;
    for (const [field, value] of [
      ['instanceClass', instanceClass],
      ['replicaInstanceClass', replicaInstanceClass],
    ] as const)
      if (!Token.isUnresolved(value) && !/^db\.[a-z0-9]+\.[a-z0-9]+$/.test(value))
        fail(field, value, 'an RDS instance class such as "db.r6g.large"');
    const allocated = props.allocatedStorageGiB ?? 100;
    const ceiling = props.maxAllocatedStorageGiB ?? 1000;
    if (!Token.isUnresolved(allocated) && (!Number.isInteger(allocated) || allocated < 20 || allocated > 65536))
      fail('allocatedStorageGiB', allocated, 'an integer from 20 to 65536');
    if (
      !Token.isUnresolved(ceiling) &&
      !Token.isUnresolved(allocated) &&
      (!Number.isInteger(ceiling) || ceiling < allocated || ceiling > 65536)
    )
      fail('maxAllocatedStorageGiB', ceiling, `an integer from allocatedStorageGiB (${allocated}) to 65536`);
    const retention = props.backupRetentionDays ?? 7;
    if (!Token.isUnresolved(retention) && (!Number.isInteger(retention) || retention < 7 || retention > 35))
      fail('backupRetentionDays', retention, 'an integer from 7 to 35');
    const backupWindow = props.backupWindow ?? '17:00-18:00';
    if (!Token.isUnresolved(backupWindow) && !BACKUP_WINDOW.test(backupWindow)) fail('backupWindow', backupWindow, 'UTC "hh:mm-hh:mm"');
    const maintenanceWindow = props.maintenanceWindow ?? 'sun:18:30-sun:19:30';
    if (!Token.isUnresolved(maintenanceWindow) && !MAINTENANCE_WINDOW.test(maintenanceWindow))
      fail('maintenanceWindow', maintenanceWindow, 'UTC "ddd:hh:mm-ddd:hh:mm", e.g. "sun:18:30-sun:19:30"');
    const lagThreshold = props.replicaLagThresholdSeconds ?? 30;
    // Infinity (or 1e400) passed `> 0` and became `threshold: null` in the alarm's JSON.
    if (!Token.isUnresolved(lagThreshold) && !(Number.isFinite(lagThreshold) && lagThreshold > 0 && lagThreshold <= MAX_DURATION_SECONDS))
      fail('replicaLagThresholdSeconds', lagThreshold, `a finite number of seconds > 0 and at most ${MAX_DURATION_SECONDS}`);
    const logRetention = props.logRetentionDays ?? 365;
    if (!Token.isUnresolved(logRetention) && !(CLOUDWATCH_RETENTION_DAYS as readonly number[]).includes(logRetention))
      fail('logRetentionDays', logRetention, `one of CloudWatch Logs' retention periods: ${CLOUDWATCH_RETENTION_DAYS.join(', ')}`);
    if (!Token.isUnresolved(backupWindow) && windowMinutes(backupWindow, 1440) < 30)
      fail('backupWindow', backupWindow, 'a window of at least 30 minutes, UTC "hh:mm-hh:mm" (RDS minimum)');
    if (!Token.isUnresolved(maintenanceWindow) && windowMinutes(maintenanceWindow, WEEK) < 30)
      fail('maintenanceWindow', maintenanceWindow, 'a window of at least 30 minutes, UTC "ddd:hh:mm-ddd:hh:mm" (RDS minimum)');
    if (!Token.isUnresolved(backupWindow) && !Token.isUnresolved(maintenanceWindow) && windowsOverlap(backupWindow, maintenanceWindow)) {
      // Named by the window the caller set (the other one is then the default).
      if (props.backupWindow === undefined)
        fail(
          'maintenanceWindow',
          maintenanceWindow,
          `a window that does not overlap the backup window ${formatValue(backupWindow)} (the default) on any day (RDS refuses overlapping windows)`,
        );
      fail(
        'backupWindow',
        backupWindow,
        `a window that does not overlap the maintenance window ${formatValue(maintenanceWindow)}${props.maintenanceWindow === undefined ? ' (the default)' : ''} on any day (RDS refuses overlapping windows)`,
      );
    }

    // Replica placement: explicit ids, else the zone's other storage regions; every copy checked.
    const regions = props.regions ?? [home];
    const allowedCopyTo = props.allowedCopyTo ?? [];
    // A string here matched zone ids as substrings ("emea-na".includes("na")).
    if (!Array.isArray(allowedCopyTo) || allowedCopyTo.some((z) => typeof z !== 'string'))
      propError(this, 'allowedCopyTo', allowedCopyTo, 'a list of residency zone ids, such as ["emea"]');
    const replicaIds =
      props.replicaRegionIds ??
      regions
        .filter((r) => r.regionId !== home.regionId && r.spec.residencyZone === zone && r.spec.services.includes('storage'))
        .map((r) => r.regionId);
    const replicaRegions = replicaIds.map((rid, i) => {
      const region = regions.find((r) => r.regionId === rid);
      if (!region) fail(`replicaRegionIds[${i}]`, rid, `one of the given regions (${regions.map((r) => r.regionId).join(', ')})`);
      if (rid === home.regionId)
        fail(`replicaRegionIds[${i}]`, rid, `a region other than the primary's (${home.regionId}); its standby is Multi-AZ`);
      if (replicaIds.indexOf(rid) !== i) fail(`replicaRegionIds[${i}]`, rid, 'each region once');
      assertCopyAllowed(
        `${path}: replicaRegionIds[${i}]`,
        'a read replica',
        { regionId: home.regionId, residencyZone: zone },
        { regionId: rid, residencyZone: region!.spec.residencyZone },
        allowedCopyTo,
      );
      if (!region!.spec.services.includes('storage'))
        fail(`replicaRegionIds[${i}]`, rid, `a region that runs "storage" (${rid} runs ${region!.spec.services.join(', ')})`);
      return region!;
    });

    checkText(this, 'projectName', props.projectName, PROJECT_NAME);
    const identifier = rdsInstanceIdentifier(props.projectName, this.databaseName);
    // RDS identifiers: 1-63 letters, digits and hyphens, a letter first, no "--", no "-" at the end.
    // A token project name (a Terraform variable) is checked where it is known: its shortest
    // allowed length stands in for it here, and the rest of the identifier is checked as written.
    const tokenProject = Token.isUnresolved(props.projectName);
    for (const suffix of ['', ...replicaRegions.map((r) => `-${r.regionId}`)]) {
      const id = `${tokenProject ? 'pp' : props.projectName}-${this.databaseName}${suffix}`;
      if (id.length > 63 || !/^[a-z][a-z0-9-]*[a-z0-9]$/.test(id) || id.includes('--'))
        throw new Error(
          `${path}: projectName ${tokenProject ? '(a token)' : formatValue(props.projectName)} with databaseName ${formatValue(this.databaseName)} gives the RDS identifier ${tokenProject ? `"<projectName>-${this.databaseName}${suffix}"` : formatValue(id)} (${tokenProject ? `${id.length - 2} characters + the project name's` : `${id.length} characters`}), which is not allowed; allowed: at most 63 letters, digits and single hyphens, ending in a letter or digit (shorten the database name)`,
        );
    }
    // Two databases with one identifier in one region would collide in RDS (whichever stacks declare
    // them: one account); checked across the app once the tree is built.
    this.node.addValidation({
      validate: () => {
        const twins = this.node.root.node
          .findAll()
          .filter(
            (c): c is ReplicatedDatabase =>
              c instanceof ReplicatedDatabase && c !== this && c.#identifier === identifier && c.#homeRegion === home.regionId,
          );
        return twins.length > 0
          ? [
              `databaseName ${formatValue(this.databaseName)} gives the RDS identifier of another database in ${home.regionId} (${twins.map((t) => t.node.path).join(', ')}); allowed: one database per name and region`,
            ]
          : [];
      },
    });
    this.#identifier = identifier;
    this.#homeRegion = home.regionId;
    const common = (region: IRegion, name: string) => {
      const subnets = new DbSubnetGroup(this, `${name}SubnetGroup`, {
        provider: region.provider,
        name: `${identifier}-${region.regionId}`,
        description: `${this.databaseName} in ${region.regionId}: private subnets`,
        subnetIds: region.network.privateSubnetIds,
      });
      const parameters = new DatabaseParameterGroup(this, `${name}Parameters`, {
        provider: region.provider,
        namePrefix: `${identifier}-${region.regionId}`,
        family,
        parameters: props.parameters,
      });
      return { subnets, parameters };
    };
    const logGroups = (region: IRegion, name: string, instanceId: string) =>
      DATABASE_LOG_EXPORTS.map(
        (log) =>
          new CloudwatchLogGroup(this, `${name}${log[0].toUpperCase()}${log.slice(1)}Logs`, {
            provider: region.provider,
            // RDS writes to this name; creating it first keeps it encrypted with the region key.
            name: `/aws/rds/instance/${instanceId}/${log}`,
            kmsKeyId: region.key.keyArn,
            retentionInDays: logRetention,
          }),
      );
    const secured = (region: IRegion) => ({
      provider: region.provider,
      storageEncrypted: true,
      kmsKeyId: region.key.keyArn,
      iamDatabaseAuthenticationEnabled: true,
      deletionProtection: true,
      performanceInsightsEnabled: true,
      performanceInsightsKmsKeyId: region.key.keyArn,
      performanceInsightsRetentionPeriod: 7,
      enabledCloudwatchLogsExports: [...DATABASE_LOG_EXPORTS],
      autoMinorVersionUpgrade: true,
      maintenanceWindow,
      maxAllocatedStorage: ceiling,
      publiclyAccessible: false,
      vpcSecurityGroupIds: [region.securityGroups.databaseSecurityGroupId],
      port: DATABASE_PORT,
      copyTagsToSnapshot: true,
      caCertIdentifier: 'rds-ca-rsa2048-g1',
      // A plan that would replace or destroy a database fails instead (proved by a real plan in the tests).
      lifecycle: { preventDestroy: true },
    });

    const primaryParts = common(home, 'Primary');
    const primaryLogs = logGroups(home, 'Primary', identifier);
    this.primaryInstance = new DbInstance(this, 'Primary', {
      ...secured(home),
      identifier,
      engine: 'postgres',
      engineVersion,
      instanceClass,
      allocatedStorage: allocated,
      storageType: 'gp3',
      multiAz: true,
      dbSubnetGroupName: primaryParts.subnets.name,
      parameterGroupName: primaryParts.parameters.parameterGroupName,
      username: 'dbadmin',
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: home.key.keyArn,
      backupRetentionPeriod: retention,
      backupWindow,
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: `${identifier}-final`,
      deleteAutomatedBackups: false,
      dependsOn: primaryLogs,
    });
    this.primary = copyOf(home.regionId, identifier, this.primaryInstance);

    for (const region of replicaRegions) {
      const name = `Replica${region.regionId.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase())}`;
      const replicaId = rdsInstanceIdentifier(props.projectName, this.databaseName, region.regionId);
      const parts = common(region, name);
      const logs = logGroups(region, name, replicaId);
      const instance = new DbInstance(this, name, {
        ...secured(region),
        identifier: replicaId,
        // Cross-region: the source is named by ARN; RDS re-encrypts with the destination's key.
        replicateSourceDb: this.primaryInstance.arn,
        instanceClass: replicaInstanceClass,
        multiAz: props.replicaMultiAz ?? false,
        dbSubnetGroupName: parts.subnets.name,
        parameterGroupName: parts.parameters.parameterGroupName,
        // RDS takes no final snapshot of a read replica; deletion protection and prevent_destroy guard it.
        skipFinalSnapshot: true,
        dependsOn: logs,
      });
      this.replicaInstances[region.regionId] = instance;
      this.replicas.push(copyOf(region.regionId, replicaId, instance));
      const told = props.alarmActions?.[region.regionId];
      // A list token (a variable's listValue) is written as the list it stands for.
      const notify =
        told === undefined
          ? region.alarmTopicArn !== undefined
            ? [region.alarmTopicArn]
            : []
          : Array.isArray(told)
            ? [...told]
            : Token.asList(told);
      this.replicaLagAlarms[region.regionId] = new CloudwatchMetricAlarm(this, `${name}LagAlarm`, {
        provider: region.provider,
        alarmName: `${replicaId}-replica-lag`,
        alarmDescription: `Replica ${replicaId} of ${identifier} lags more than ${lagThreshold} s behind its primary in ${home.regionId}`,
        namespace: REPLICA_LAG_METRIC.namespace,
        metricName: REPLICA_LAG_METRIC.metricName,
        dimensions: { [REPLICA_LAG_METRIC.dimension]: replicaId },
        statistic: 'Maximum',
        period: 60,
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
        threshold: lagThreshold,
        comparisonOperator: 'GreaterThanThreshold',
        // No data means replication (or the replica) stopped reporting: treat as lagging.
        treatMissingData: 'breaching',
        // An alarm that notifies no one is not an alarm: the region's topic unless told otherwise.
        alarmActions: notify,
        okActions: notify,
      });
    }
    // Actions for a region without a replica would notify no one of anything: a typo, named.
    const withReplica = Object.keys(this.replicaLagAlarms);
    for (const key of Object.keys(props.alarmActions ?? {}))
      if (!withReplica.includes(key))
        fail(
          `alarmActions.${key}`,
          key,
          withReplica.length > 0 ? `a region with a replica: ${withReplica.join(', ')}` : 'nothing: the database has no replica',
        );
  }
}

/** CloudWatch's limit on `alarm_actions` and `ok_actions`: Terraform refuses a longer list at validate. */
const MAX_ALARM_ACTIONS = 5;

/** An action of a CloudWatch alarm: an ARN (an SNS topic, an Auto Scaling policy, an EC2 action, …). */
const ALARM_ACTION = {
  pattern: /^arn:aws[a-z-]*:[a-z0-9-]+:[^:\s]*:[^:\s]*:\S+$/,
  allowed: 'an action ARN such as "arn:aws:sns:eu-west-1:111122223333:alarms", or a token',
} as const;

/**
 * Refuses `alarmActions` that is not a map of region id → list of at most five action ARNs (each
 * a token allowed, and a list token): a string was spread into its characters, a sixth ARN failed
 * `terraform validate`. The keys are checked against the replicas once they are known.
 */
function checkAlarmActions(scope: Construct, value: unknown): void {
  if (value === undefined) return;
  const allowed = `a map of region id → list of at most ${MAX_ALARM_ACTIONS} alarm action ARNs, such as { "eu-west-2": ["arn:aws:sns:eu-west-2:111122223333:pager"] }`;
  requireLiteral(scope, 'alarmActions', value, allowed, "its keys pick each replica's alarm");
  // A plain object: a Map has no own entries, so its ARNs were dropped without a word (found by review).
  const proto = value === null || typeof value !== 'object' ? undefined : Object.getPrototypeOf(value);
  if (value === null || typeof value !== 'object' || Array.isArray(value) || (proto !== Object.prototype && proto !== null))
    propError(scope, 'alarmActions', value, `${allowed} (a plain object, not a Map)`);
  for (const [regionId, actions] of Object.entries(value as Record<string, unknown>)) {
    const field = `alarmActions.${regionId}`;
    // A string token stands for one string: Terraform refuses it where a set is required (found by review).
    if (typeof actions === 'string')
      propError(
        scope,
        field,
        actions,
        `a list of at most ${MAX_ALARM_ACTIONS} alarm action ARNs, or a list token (a variable's listValue), not a string`,
      );
    if (Token.isUnresolved(actions)) continue;
    if (!Array.isArray(actions))
      propError(scope, field, actions, `a list of at most ${MAX_ALARM_ACTIONS} alarm action ARNs (an empty list: none), or a token`);
    if (actions.length > MAX_ALARM_ACTIONS)
      propError(
        scope,
        field,
        actions,
        `at most ${MAX_ALARM_ACTIONS} alarm action ARNs (CloudWatch's limit on alarm_actions and ok_actions)`,
      );
    actions.forEach((arn, i) => checkText(scope, `${field}[${i}]`, arn, ALARM_ACTION));
  }
}

function copyOf(regionId: string, instanceIdentifier: string, instance: DbInstance): IDatabaseCopy {
  return { regionId, instanceIdentifier, instanceArn: instance.arn, address: instance.address, port: DATABASE_PORT };
}
