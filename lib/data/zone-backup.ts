import { BackupPlan } from '@cdktf/provider-aws/lib/backup-plan';
import { BackupSelection } from '@cdktf/provider-aws/lib/backup-selection';
import { BackupVault } from '@cdktf/provider-aws/lib/backup-vault';
import { BackupVaultPolicy } from '@cdktf/provider-aws/lib/backup-vault-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { policyDocument } from '../private/policy';
import type { IRegion } from './private/region-api';
import { assertSameZone } from './private/residency';
import type { IReplicatedDatabase } from './replicated-database';
import {
  checkRequiredProps,
  checkRegionList,
  checkList,
  checkText,
  checkDatabaseList,
  propError,
  requireLiteral,
} from '../private/prop-checks';
import { claimAppUnique } from '../private/app-unique';
import { PROJECT_NAME, RESIDENCY_ZONE_ID } from '../limits';
import { formatValue } from '../../runtime/problem';

export interface ZoneBackupProps {
  /** Residency zone the backups belong to. */
  readonly residencyZone: string;
  /** The zone's storage regions: a vault in each. */
  readonly regions: readonly IRegion[];
  /** Databases backed up daily (their primaries). */
  readonly databases: readonly IReplicatedDatabase[];
  /** Project name, the first part of every name. */
  readonly projectName: string;
  /** Days a recovery point (and each copy) is kept. @default 35 */
  readonly retentionDays?: number;
  /** When the daily backup runs (AWS Backup cron, UTC). @default "cron(0 3 * * ? *)" */
  readonly schedule?: string;
  /** Regions each recovery point is copied to. @default every other region of `regions` */
  readonly copyToRegionIds?: readonly string[];
}

/** Actions the vault access policy denies to everyone. */
export const DENIED_VAULT_ACTIONS = ['backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle'] as const;

/**
 * Backups that stay in their residency zone (AWS Backup): a vault per storage region encrypted with
 * the region key, whose access policy denies deleting recovery points or shortening their
 * lifecycle; a daily plan per database in its primary's region with copies to the zone's other
 * vaults only. A copy target outside the zone is a synth error.
 */
export class ZoneBackup extends Construct {
  /** Vaults per region id. */
  readonly vaults: Record<string, BackupVault> = {};
  /** Plans per database name. */
  readonly plans: Record<string, BackupPlan> = {};
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: ZoneBackupProps) {
    super(scope, id);
    checkRequiredProps<ZoneBackupProps>(this.node.path, props, {
      residencyZone: 'a residency zone id of the config, such as "emea"',
      regions: 'the regions of the zone (IRegion[])',
      databases: 'the ReplicatedDatabases of the zone',
      projectName: PROJECT_NAME.allowed,
    });
    // Both are compared with the regions' zones and ids at synth (where a copy may go): literals only.
    requireLiteral(
      this,
      'residencyZone',
      props.residencyZone,
      RESIDENCY_ZONE_ID.allowed,
      "it is compared with the regions' zones at synth",
    );
    requireLiteral(this, 'copyToRegionIds', props.copyToRegionIds, 'a list of region ids', 'it decides at synth where copies go');
    checkList(this, 'copyToRegionIds', props.copyToRegionIds, 'a list');
    (props.copyToRegionIds ?? []).forEach((rid, i) =>
      requireLiteral(this, `copyToRegionIds[${i}]`, rid, 'a region id', 'it decides at synth where copies go'),
    );
    checkText(this, 'projectName', props.projectName, PROJECT_NAME);
    checkText(this, 'residencyZone', props.residencyZone, RESIDENCY_ZONE_ID);
    checkRegionList(this, 'regions', props.regions, 'the regions of the zone (IRegion[])');
    checkDatabaseList(this, 'databases', props.databases);
    const path = this.node.path;
    const zone = props.residencyZone;
    const retention = props.retentionDays ?? 35;
    if (!Token.isUnresolved(retention) && (!Number.isInteger(retention) || retention < 7 || retention > 36_500))
      propError(this, 'retentionDays', retention, 'an integer from 7 to 36500 (AWS Backup keeps recovery points up to 100 years)');
    const schedule = props.schedule ?? 'cron(0 3 * * ? *)';
    if (!Token.isUnresolved(schedule) && !isBackupCron(schedule))
      propError(
        this,
        'schedule',
        schedule,
        'an AWS Backup cron expression of six fields (minutes hours day-of-month month day-of-week year, UTC), each in its range, one minute value (a plan runs at most hourly), "?" in exactly one of day-of-month and day-of-week, such as "cron(0 3 * * ? *)"',
      );
    if (props.regions.length === 0) throw new Error(`${path}: regions [] is not allowed; allowed: the storage regions of zone "${zone}"`);
    const placement = (r: IRegion) => ({ regionId: r.regionId, residencyZone: r.spec.residencyZone });
    props.regions.forEach((r, i) => {
      if (r.spec.residencyZone !== zone)
        throw new Error(
          `${path}: regions[${i}] ${r.regionId} (residency zone "${r.spec.residencyZone}") is not allowed; backups of zone "${zone}" ` +
            `are kept and copied only in vaults of zone "${zone}" (a backup copy never leaves its residency zone)`,
        );
    });
    const byId = new Map<string, IRegion>();
    props.regions.forEach((r, i) => {
      // A vault per region: the same region twice was cdktf's "already a Construct" naming no prop.
      if (byId.has(r.regionId)) propError(this, `regions[${i}]`, r.regionId, 'each region once (a vault per region)');
      byId.set(r.regionId, r);
    });
    const copyIds = props.copyToRegionIds ?? props.regions.map((r) => r.regionId);
    const copyTargets = copyIds.map((rid, i) => {
      const region = byId.get(rid);
      if (!region)
        throw new Error(
          `${path}: copyToRegionIds[${i}] ${formatValue(rid)} is not allowed; allowed: a vault region of zone "${zone}" (${[...byId.keys()].join(', ')})`,
        );
      // Two copy actions to one vault copy each recovery point twice.
      if (copyIds.indexOf(rid) < i) propError(this, `copyToRegionIds[${i}]`, rid, 'each region once');
      return region;
    });
    const names = new Map<string, number>();
    props.databases.forEach((db, i) => {
      const earlier = names.get(db.databaseName);
      if (earlier !== undefined)
        propError(
          this,
          `databases[${i}]`,
          db.databaseName,
          `each database once (databases[${earlier}] has that name; a plan per database)`,
        );
      names.set(db.databaseName, i);
    });
    // The vaults (<project>-<region>) and the role (<project>-<zone>-backup) are named by project and
    // zone, unique in an account: the regions' account tells two accounts apart.
    claimAppUnique(
      this,
      'ZoneBackup',
      [props.projectName, zone],
      `the backup vaults and role of zone ${formatValue(zone)} for project ${formatValue(props.projectName)}`,
      'one ZoneBackup per project, residency zone and account in an app (put every database of the zone in one)',
      props.regions[0].accountId,
    );

    for (const region of props.regions) {
      const vault = new BackupVault(this, `Vault-${region.regionId}`, {
        provider: region.provider,
        name: `${props.projectName}-${region.regionId}`,
        kmsKeyArn: region.key.keyArn,
        forceDestroy: false,
      });
      new BackupVaultPolicy(this, `VaultPolicy-${region.regionId}`, {
        provider: region.provider,
        backupVaultName: vault.name,
        policy: policyDocument([
          { Sid: 'DenyDeletingRecoveryPoints', Effect: 'Deny', Principal: { AWS: '*' }, Action: [...DENIED_VAULT_ACTIONS], Resource: '*' },
        ]),
      });
      this.vaults[region.regionId] = vault;
    }

    const first = props.regions[0];
    this.role = new IamRole(this, 'Role', {
      provider: first.provider,
      name: `${props.projectName}-${zone}-backup`,
      assumeRolePolicy: policyDocument([
        { Sid: 'BackupAssumes', Effect: 'Allow', Principal: { Service: 'backup.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ]),
    });
    for (const [name, policy] of [
      ['Backup', 'service-role/AWSBackupServiceRolePolicyForBackup'],
      ['Restore', 'service-role/AWSBackupServiceRolePolicyForRestores'],
    ])
      new IamRolePolicyAttachment(this, `Role${name}`, {
        provider: first.provider,
        role: this.role.name,
        policyArn: `arn:aws:iam::aws:policy/${policy}`,
      });

    props.databases.forEach((db, i) => {
      const home = byId.get(db.primary.regionId);
      if (!home)
        throw new Error(
          `${path}: databases[${i}] "${db.databaseName}" has its primary in ${db.primary.regionId}; allowed: a database whose primary is in a vault region of zone "${zone}" (${[...byId.keys()].join(', ')})`,
        );
      const targets = copyTargets.filter((r) => r.regionId !== home.regionId);
      targets.forEach((t) => assertSameZone(`${path}: databases[${i}]`, 'a backup copy', placement(home), placement(t)));
      const plan = new BackupPlan(this, `Plan-${db.databaseName}`, {
        provider: home.provider,
        name: `${props.projectName}-${db.databaseName}`,
        rule: [
          {
            ruleName: 'daily',
            targetVaultName: this.vaults[home.regionId].name,
            schedule,
            startWindow: 60,
            completionWindow: 360,
            lifecycle: { deleteAfter: retention },
            copyAction: targets.map((t) => ({ destinationVaultArn: this.vaults[t.regionId].arn, lifecycle: { deleteAfter: retention } })),
          },
        ],
      });
      new BackupSelection(this, `Selection-${db.databaseName}`, {
        provider: home.provider,
        name: `${db.databaseName}-primary`,
        planId: plan.id,
        iamRoleArn: this.role.arn,
        resources: [db.primary.instanceArn],
      });
      this.plans[db.databaseName] = plan;
    });
  }
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** A value of a cron field: a number in [min, max] or one of `names` (1-based), else undefined. */
function cronValue(text: string, min: number, max: number, names: readonly string[] = []): number | undefined {
  if (/^\d{1,4}$/.test(text)) {
    const n = Number(text);
    return n >= min && n <= max ? n : undefined;
  }
  const k = names.indexOf(text.toUpperCase());
  return k < 0 ? undefined : k + 1;
}

/** Whether `item` (one entry of a comma list) is `*`, a value, or a range, each with an optional `/step`. */
function cronItem(item: string, min: number, max: number, names?: readonly string[]): boolean {
  const [base, step, extra] = item.split('/');
  if (extra !== undefined) return false;
  if (step !== undefined && !(/^\d{1,4}$/.test(step) && Number(step) >= 1 && Number(step) <= max)) return false;
  if (base === '*') return true;
  const [from, to, more] = base.split('-');
  if (more !== undefined) return false;
  const a = cronValue(from, min, max, names);
  if (a === undefined) return false;
  if (to === undefined) return true;
  const b = cronValue(to, min, max, names);
  return b !== undefined && a <= b;
}

/** A comma list of {@link cronItem}s. */
const cronList = (field: string, min: number, max: number, names?: readonly string[]) =>
  field.split(',').every((item) => cronItem(item, min, max, names));

/**
 * Whether `text` is an AWS Backup schedule: `cron(minutes hours day-of-month month day-of-week
 * year)`, six fields separated by spaces (a five-field Unix cron was written as given, and AWS
 * refused it at apply), each in its range (minutes 0-59, hours 0-23, day 1-31 with `L`, `W`, `LW`,
 * month 1-12 or JAN-DEC, weekday 1-7 or SUN-SAT with `L` and `#`, year 1970-2199), `?` in exactly
 * one of the day fields, and one minute value: AWS Backup runs a plan at most once an hour, so a
 * minute list, range or step (`0/15`) is refused.
 */
export function isBackupCron(text: unknown): boolean {
  if (typeof text !== 'string') return false;
  const m = /^cron\(([^\s()](?:[^()]*[^\s()])?)\)$/.exec(text);
  if (m === null) return false;
  const fields = m[1].split(/ +/);
  if (fields.length !== 6) return false;
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = fields;
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) return false;
  if (cronValue(minutes, 0, 59) === undefined) return false;
  if (!cronList(hours, 0, 23) || !cronList(month, 1, 12, MONTHS) || !cronList(year, 1970, 2199)) return false;
  const dayOfMonthOk =
    dayOfMonth === '?' ||
    dayOfMonth === 'L' ||
    dayOfMonth === 'LW' ||
    (/^\d{1,2}W$/.test(dayOfMonth) && cronValue(dayOfMonth.slice(0, -1), 1, 31) !== undefined) ||
    cronList(dayOfMonth, 1, 31);
  const dayOfWeekOk =
    dayOfWeek === '?' ||
    dayOfWeek === 'L' ||
    (/^[^#]+L$/.test(dayOfWeek) && cronValue(dayOfWeek.slice(0, -1), 1, 7, DAYS) !== undefined) ||
    (/^[^#]+#[1-5]$/.test(dayOfWeek) && cronValue(dayOfWeek.split('#')[0], 1, 7, DAYS) !== undefined) ||
    cronList(dayOfWeek, 1, 7, DAYS);
  return dayOfMonthOk && dayOfWeekOk;
}
