import { DbParameterGroup } from '@cdktf/provider-aws/lib/db-parameter-group';
import type { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { checkRequiredProps, checkText, NON_EMPTY_TEXT, checkList, propError, requireLiteral } from '../private/prop-checks';
import { formatValue } from '../../runtime/problem';

/** One PostgreSQL setting and how RDS applies a change to it. */
export interface DatabaseParameter {
  readonly name: string;
  readonly value: string;
  /** `immediate` for dynamic settings, `pending-reboot` for those PostgreSQL reads only at start. */
  readonly applyMethod: 'immediate' | 'pending-reboot';
}

/**
 * The design's replication settings (数据同步策略, postgresql.conf) that RDS lets a parameter group
 * set, plus TLS-only connections and slow-statement logging.
 */
export const REPLICATION_PARAMETERS: readonly DatabaseParameter[] = [
  { name: 'max_wal_senders', value: '10', applyMethod: 'pending-reboot' },
  { name: 'max_replication_slots', value: '10', applyMethod: 'pending-reboot' },
  // Not in the design; 2 GiB of WAL kept for a replica that reconnects after a short break.
  { name: 'wal_keep_size', value: '2048', applyMethod: 'immediate' },
  { name: 'synchronous_commit', value: 'on', applyMethod: 'immediate' },
  { name: 'rds.force_ssl', value: '1', applyMethod: 'immediate' },
  // Statements slower than 1 s are logged (exported to CloudWatch Logs, encrypted with the region key).
  { name: 'log_min_duration_statement', value: '1000', applyMethod: 'immediate' },
];

/** Settings of the design that RDS does not let a parameter group set, and why (README lists them). */
export const PARAMETERS_RDS_MANAGES: Readonly<Record<string, string>> = {
  wal_level: 'RDS sets it to "replica" when backups or replicas are on (logical only through rds.logical_replication); not modifiable',
  synchronous_standby_names:
    'RDS Multi-AZ replicates the standby synchronously at the storage level, not through PostgreSQL standbys; not modifiable',
  hot_standby: 'RDS read replicas are always hot standbys; not modifiable',
  'standby_mode, primary_conninfo, trigger_file, recovery_target_timeline':
    'recovery.conf settings (gone since PostgreSQL 12); RDS configures and promotes read replicas itself',
};

/**
 * Built-in settings a parameter may not weaken, by lower-case name: the only value allowed, and why
 * (README: the construct documents TLS-only connections).
 */
export const PARAMETERS_FIXED: Readonly<Record<string, { readonly value: string; readonly why: string }>> = {
  'rds.force_ssl': {
    value: '1',
    why: 'the database accepts TLS connections only, a guarantee of this construct (0 would let clients connect in clear text)',
  },
};

/** A PostgreSQL or RDS parameter name: `max_wal_senders`, `rds.force_ssl`, `DateStyle`. */
const PARAMETER_NAME = {
  pattern: /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$/,
  allowed: 'a PostgreSQL or RDS parameter name, such as "work_mem" or "rds.force_ssl"',
} as const;

/** Each name of {@link PARAMETERS_RDS_MANAGES} (some keys list several), lower-case, to why RDS manages it. */
const RDS_MANAGED_BY_NAME = new Map(
  Object.entries(PARAMETERS_RDS_MANAGES).flatMap(([names, why]) => names.split(',').map((n) => [n.trim().toLowerCase(), why] as const)),
);

export interface DatabaseParameterGroupProps {
  /** Provider of the region the group lives in. */
  readonly provider: AwsProvider;
  /** Name prefix; Terraform appends a unique suffix. */
  readonly namePrefix: string;
  /** Parameter group family, e.g. "postgres16". */
  readonly family: string;
  /** Extra or overriding settings. @default none */
  readonly parameters?: readonly DatabaseParameter[];
}

/**
 * A PostgreSQL parameter group with {@link REPLICATION_PARAMETERS}. Named by prefix and replaced
 * create-before-destroy, so a change that needs a new group (a new family) never fails on
 * "parameter group in use": the instances move to the new group before the old one is deleted.
 */
export class DatabaseParameterGroup extends Construct {
  readonly parameterGroup: DbParameterGroup;
  /** The group's name, for `parameter_group_name`. */
  readonly parameterGroupName: string;

  constructor(scope: Construct, id: string, props: DatabaseParameterGroupProps) {
    super(scope, id);
    checkRequiredProps<DatabaseParameterGroupProps>(this.node.path, props, {
      provider: 'the AwsProvider to create the resources with',
      namePrefix: 'the name prefix of the parameter group, such as "tslj-eu-west-1"',
      family: '"postgres16", "postgres17" …',
    });
    requireLiteral(
      this,
      'parameters',
      props.parameters,
      'a literal list of { name, value, applyMethod }',
      'each is merged with the built-in settings at synth',
    );
    checkList(this, 'parameters', props.parameters, 'a list');
    checkText(this, 'namePrefix', props.namePrefix, NON_EMPTY_TEXT);
    if (typeof props.family !== 'string' || !/^postgres1[6-9]$/.test(props.family))
      throw new Error(`${this.node.path}: family ${formatValue(props.family)} is not allowed; allowed: "postgres16", "postgres17" …`);
    // Keyed by lower-case name: PostgreSQL reads parameter names ignoring case, so "MAX_WAL_SENDERS"
    // next to the built-in "max_wal_senders" would be two entries for one setting.
    const merged = new Map(REPLICATION_PARAMETERS.map((p) => [p.name.toLowerCase(), p]));
    const given = new Set<string>();
    (props.parameters ?? []).forEach((p, i) => {
      const field = `parameters[${i}]`;
      requireLiteral(this, field, p, '{ name, value, applyMethod }', 'each parameter is merged with the built-in settings at synth');
      if (p === null || typeof p !== 'object' || Array.isArray(p)) propError(this, field, p, '{ name, value, applyMethod }');
      // The name decides what the parameter replaces (compared ignoring case): a literal.
      requireLiteral(
        this,
        `${field}.name`,
        p.name,
        'a literal PostgreSQL or RDS parameter name',
        'it is compared with the built-in settings at synth',
      );
      checkText(this, `${field}.name`, p.name, PARAMETER_NAME);
      if (!Token.isUnresolved(p.value) && (typeof p.value !== 'string' || p.value === ''))
        propError(this, `${field}.value`, p.value, 'the setting as non-empty text, e.g. "10" or "on", or a token');
      if (!Token.isUnresolved(p.applyMethod) && p.applyMethod !== 'immediate' && p.applyMethod !== 'pending-reboot')
        propError(this, `${field}.applyMethod`, p.applyMethod, '"immediate" (dynamic settings) or "pending-reboot" (read at start)');
      const key = p.name.toLowerCase();
      const managed = RDS_MANAGED_BY_NAME.get(key);
      if (managed !== undefined) throw new Error(`${this.node.path}: parameter ${formatValue(p.name)} is not allowed; ${managed}`);
      const fixed = Object.hasOwn(PARAMETERS_FIXED, key) ? PARAMETERS_FIXED[key] : undefined; // not Object.prototype's ("constructor")
      if (fixed !== undefined) {
        const allowed = `${formatValue(fixed.value)} (${p.name}: ${fixed.why})`;
        requireLiteral(this, `${field}.value`, p.value, allowed, 'the guarantee is checked at synth');
        if (p.value !== fixed.value) propError(this, `${field}.value`, p.value, allowed);
      }
      if (given.has(key)) propError(this, `${field}.name`, p.name, 'each parameter once (PostgreSQL reads names ignoring case)');
      given.add(key);
      const builtIn = merged.get(key);
      if (builtIn !== undefined && builtIn.name !== p.name)
        propError(this, `${field}.name`, p.name, `the spelling RDS lists, ${formatValue(builtIn.name)} (it replaces the built-in setting)`);
      merged.set(key, p);
    });
    this.parameterGroup = new DbParameterGroup(this, 'ParameterGroup', {
      provider: props.provider,
      namePrefix: `${props.namePrefix}-`,
      family: props.family,
      description: `${props.namePrefix}: replication, TLS-only and slow-statement settings`,
      parameter: [...merged.values()].map((p) => ({ name: p.name, value: p.value, applyMethod: p.applyMethod })),
      lifecycle: { createBeforeDestroy: true },
    });
    this.parameterGroupName = this.parameterGroup.name;
  }
}
