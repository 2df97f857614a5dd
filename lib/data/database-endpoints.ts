import type { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { Route53Zone } from '@cdktf/provider-aws/lib/route53-zone';
import { Construct } from 'constructs';
import { DNS_NAME, RESIDENCY_ZONE_ID } from '../limits';
import { checkRequiredProps, checkText, checkRegionList, checkDatabaseList } from '../private/prop-checks';
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
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > 3600)
      throw new Error(`${path}: ttlSeconds ${formatValue(ttl)} is not allowed; allowed: an integer from 1 to 3600`);
    props.regions.forEach((r, i) => {
      if (r.spec.residencyZone !== zone)
        throw new Error(
          `${path}: regions[${i}] ${r.regionId} (residency zone "${r.spec.residencyZone}") is not allowed; the database names of zone "${zone}" resolve only in the VPCs of that zone`,
        );
    });
    // The names must be the ones the routing table publishes (lower-case DNS names under the domain).
    checkText(this, 'domain', props.domain, DNS_NAME);
    this.zoneName = databaseZoneDomain(zone, props.domain);
    const provider = props.provider ?? props.regions[0].provider;
    this.hostedZone = new Route53Zone(this, 'HostedZone', {
      provider,
      name: this.zoneName,
      comment: `Database endpoints of residency zone ${zone} (private)`,
      vpc: props.regions.map((r) => ({ vpcId: r.network.vpcId, vpcRegion: r.regionId })),
      forceDestroy: false,
    });
    props.databases.forEach((db, i) => {
      if (db.residencyZone !== zone)
        throw new Error(
          `${path}: databases[${i}] "${db.databaseName}" is in residency zone "${db.residencyZone}"; allowed: databases of zone "${zone}" (its names resolve only inside the zone)`,
        );
      for (const copy of [db.primary, ...db.replicas]) {
        const name = databaseHostName({ database: db.databaseName, region: copy.regionId, residencyZone: zone, domain: props.domain });
        this.records[name] = new Route53Record(this, `${db.databaseName}-${copy.regionId}`, {
          provider,
          zoneId: this.hostedZone.zoneId,
          name,
          type: 'CNAME',
          ttl,
          records: [copy.address],
        });
      }
    });
  }
}
