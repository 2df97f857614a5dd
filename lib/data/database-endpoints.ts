import type { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { Route53Zone } from '@cdktf/provider-aws/lib/route53-zone';
import { Construct } from 'constructs';
import { DNS_NAME, RESIDENCY_ZONE_ID } from '../limits';
import { checkRequiredProps, checkText, checkRegionList, checkDatabaseList, propError, requireLiteral } from '../private/prop-checks';
import { claimAppUnique } from '../private/app-unique';
import { Token } from 'cdktf';
import { databaseHostName, databaseZoneDomain } from './endpoint-names';
import type { IRegion } from './private/region-api';
import type { IReplicatedDatabase } from './replicated-database';
import { formatValue } from '../../runtime/problem';

export interface DatabaseEndpointsProps {
  /** Residency zone the hosted zone serves. */
  readonly residencyZone: string;
  /** Apex domain; the hosted zone is `<zone>.db.<domain>`. */
  readonly domain: string;
  /** The zone's regions: the hosted zone is associated with each one's VPC. */
  readonly regions: readonly IRegion[];
  /** The zone's databases: a record per primary and per replica. */
  readonly databases: readonly IReplicatedDatabase[];
  /** Provider that creates the hosted zone and records (Route 53 is global). @default the first region's */
  readonly provider?: AwsProvider;
  /** TTL of the records, seconds: how long a promotion takes to reach every gateway. @default 30 */
  readonly ttlSeconds?: number;
}

/**
 * Stable database names, known at synth: a Route 53 private hosted zone per residency zone,
 * visible only from the zone's VPCs, with a CNAME per primary and per replica pointing at the RDS
 * instance. The routing table carries the same names (lib/data/endpoint-names), so the gateway
 * knows every endpoint before apply; promoting a replica means changing its record only.
 */
export class DatabaseEndpoints extends Construct {
  readonly hostedZone: Route53Zone;
  /** Host name → record. */
  readonly records: Record<string, Route53Record> = {};
  /** The hosted zone's name, e.g. `emea.db.taishanglaojun.com`. */
  readonly zoneName: string;

  constructor(scope: Construct, id: string, props: DatabaseEndpointsProps) {
    super(scope, id);
    checkRequiredProps<DatabaseEndpointsProps>(this.node.path, props, {
      residencyZone: 'a residency zone id of the config, such as "emea"',
      domain: 'the private DNS domain of the zone\'s databases, such as "db.internal"',
      regions: 'the regions of the zone (IRegion[])',
      databases: 'the ReplicatedDatabases of the zone',
    });
    checkText(this, 'residencyZone', props.residencyZone, RESIDENCY_ZONE_ID);
    checkRegionList(this, 'regions', props.regions, 'the regions of the zone (IRegion[])');
    checkDatabaseList(this, 'databases', props.databases);
    const path = this.node.path;
    const zone = props.residencyZone;
    if (props.regions.length === 0) throw new Error(`${path}: regions [] is not allowed; allowed: the regions of zone "${zone}"`);
    const ttl = props.ttlSeconds ?? 30;
    // Written as given: a token (a variable) is passed through to Route 53.
    if (!Token.isUnresolved(ttl) && (!Number.isInteger(ttl) || ttl < 1 || ttl > 3600))
      propError(this, 'ttlSeconds', ttl, 'an integer from 1 to 3600, or a token');
    props.regions.forEach((r, i) => {
      if (r.spec.residencyZone !== zone)
        throw new Error(
          `${path}: regions[${i}] ${r.regionId} (residency zone "${r.spec.residencyZone}") is not allowed; the database names of zone "${zone}" resolve only in the VPCs of that zone`,
        );
    });
    // The names must be the ones the routing table publishes (lower-case DNS names under the domain).
    requireLiteral(this, 'domain', props.domain, DNS_NAME.allowed, 'the record names are built from it at synth');
    checkText(this, 'domain', props.domain, DNS_NAME);
    this.zoneName = databaseZoneDomain(zone, props.domain);
    const byId = new Map<string, IRegion>();
    props.regions.forEach((r, i) => {
      if (byId.has(r.regionId))
        propError(this, `regions[${i}]`, r.regionId, 'each region once (the hosted zone is associated with its VPC once)');
      byId.set(r.regionId, r);
    });
    // Every record, checked before any resource is made: a name over 253 characters, a copy in a
    // region whose VPC cannot resolve the zone, or the same database twice.
    const names = new Map<string, number>();
    const planned = props.databases.map((db, i) => {
      if (db.residencyZone !== zone)
        throw new Error(
          `${path}: databases[${i}] "${db.databaseName}" is in residency zone "${db.residencyZone}"; allowed: databases of zone "${zone}" (its names resolve only inside the zone)`,
        );
      const earlier = names.get(db.databaseName);
      if (earlier !== undefined)
        propError(this, `databases[${i}]`, db.databaseName, `each database once (databases[${earlier}] has that name)`);
      names.set(db.databaseName, i);
      return [db.primary, ...db.replicas].map((copy) => {
        if (!byId.has(copy.regionId))
          propError(
            this,
            `databases[${i}]`,
            db.databaseName,
            `a database whose copies are in the given regions (${[...byId.keys()].join(', ')}); its ${copy === db.primary ? 'primary' : 'replica'} is in ${copy.regionId}, whose VPC would not resolve its name`,
          );
        const name = databaseHostName({ database: db.databaseName, region: copy.regionId, residencyZone: zone, domain: props.domain });
        if (name.length > 253)
          propError(
            this,
            'domain',
            props.domain,
            `a domain short enough for every record name (253 characters at most): ${formatValue(name, 60)} has ${name.length}`,
          );
        return { db, copy, name };
      });
    });
    // A private zone of one name may be associated with a VPC once: a second DatabaseEndpoints of
    // the zone name on the same VPC passed synth and Route 53 refused it at apply.
    for (const r of props.regions)
      claimAppUnique(
        this,
        'DatabaseEndpoints',
        [this.zoneName, r.network.vpcId],
        `the private hosted zone ${formatValue(this.zoneName)} on the VPC of ${r.regionId}`,
        'one DatabaseEndpoints per residency zone and domain on a VPC',
      );
    const provider = props.provider ?? props.regions[0].provider;
    this.hostedZone = new Route53Zone(this, 'HostedZone', {
      provider,
      name: this.zoneName,
      comment: `Database endpoints of residency zone ${zone} (private)`,
      vpc: props.regions.map((r) => ({ vpcId: r.network.vpcId, vpcRegion: r.regionId })),
      forceDestroy: false,
    });
    for (const copies of planned)
      for (const { db, copy, name } of copies) {
        this.records[name] = new Route53Record(this, `${db.databaseName}-${copy.regionId}`, {
          provider,
          zoneId: this.hostedZone.zoneId,
          name,
          type: 'CNAME',
          ttl,
          records: [copy.address],
        });
      }
  }
}
