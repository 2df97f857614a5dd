import { Construct } from 'constructs';
import type { RegionsConfig } from '../config/model';
import { ContainerRegistry } from './container-registry';
import { DatabaseEndpoints } from './database-endpoints';
import { databasePlacements } from './endpoint-names';
import type { IRegion } from './private/region-api';
import { ReplicatedDatabase } from './replicated-database';
import { ZoneBackup } from './zone-backup';
import { ZoneNetwork } from './zone-network';
import { checkRequiredProps, checkRegionList, checkText, ACCOUNT_ID } from '../private/prop-checks';
import { RESIDENCY_ZONE_ID } from '../limits';
import { formatValue } from '../../runtime/problem';

export interface ZoneDataTierProps {
  /** The validated platform config (zones, shards, database settings). */
  readonly config: RegionsConfig;
  /** The residency zone to build. */
  readonly residencyZone: string;
  /** Regions available in this stack; every region of the zone must be among them. */
  readonly regions: readonly IRegion[];
  /** AWS account id (may be a token). */
  readonly accountId: string;
}

/**
 * The data tier of one residency zone, from the config: the zone network, a ReplicatedDatabase per
 * primary the zone's shards live on, their stable names (DatabaseEndpoints), backups (ZoneBackup)
 * and the container registry of each compute region, replicated from the zone's first compute
 * region to the others.
 */
export class ZoneDataTier extends Construct {
  readonly network: ZoneNetwork;
  readonly databases: ReplicatedDatabase[];
  readonly endpoints: DatabaseEndpoints;
  readonly backup: ZoneBackup;
  /** Registries per region id. */
  readonly registries: Record<string, ContainerRegistry> = {};

  constructor(scope: Construct, id: string, props: ZoneDataTierProps) {
    super(scope, id);
    checkRequiredProps<ZoneDataTierProps>(this.node.path, props, {
      config: 'the validated config: validateRegionsConfig(...) (it fills in every section and default)',
      residencyZone: 'a residency zone id of the config, such as "emea"',
      regions: 'the regions of the zone (IRegion[])',
      accountId: 'a 12-digit AWS account id, or a token',
    });
    checkText(this, 'residencyZone', props.residencyZone, RESIDENCY_ZONE_ID);
    checkText(this, 'accountId', props.accountId, ACCOUNT_ID);
    checkRegionList(this, 'regions', props.regions, 'the regions of the zone (IRegion[])');
    const { config, residencyZone } = props;
    const zone = config.residencyZones.find((z) => z.id === residencyZone);
    if (!zone)
      throw new Error(
        `${this.node.path}: residencyZone ${formatValue(residencyZone)} is not allowed; allowed: ${config.residencyZones.map((z) => `"${z.id}"`).join(', ')}`,
      );
    const regions = zone.regions.map((rid) => {
      const region = props.regions.find((r) => r.regionId === rid);
      if (!region)
        throw new Error(
          `${this.node.path}: region "${rid}" of residency zone "${residencyZone}" is not in this stack (${props.regions.map((r) => r.regionId).join(', ')}); a zone's data tier lives in one stack`,
        );
      return region;
    });
    const project = config.project.name;
    const db = config.database;

    this.network = new ZoneNetwork(this, 'Network', { regions, accountId: props.accountId, namePrefix: project });
    this.databases = databasePlacements(config)
      .filter((p) => p.residencyZone === residencyZone)
      .map(
        (p) =>
          new ReplicatedDatabase(this, p.database, {
            primaryRegion: regions.find((r) => r.regionId === p.primaryRegion)!,
            regions: props.regions,
            replicaRegionIds: p.replicaRegions,
            allowedCopyTo: zone.allowedCopyTo,
            projectName: project,
            databaseName: p.database,
            backupRetentionDays: db.automatedBackupRetentionDays,
            replicaLagThresholdSeconds: db.replicaLagThresholdSeconds,
          }),
      );
    this.endpoints = new DatabaseEndpoints(this, 'Endpoints', {
      residencyZone,
      domain: config.project.domain,
      regions,
      databases: this.databases,
    });
    this.backup = new ZoneBackup(this, 'Backup', {
      residencyZone,
      regions: regions.filter((r) => r.spec.services.includes('storage')),
      databases: this.databases,
      projectName: project,
      retentionDays: db.backupRetentionDays,
    });
    const compute = regions.filter((r) => r.spec.services.includes('compute'));
    compute.forEach((region, i) => {
      this.registries[region.regionId] = new ContainerRegistry(this, `Registry-${region.regionId}`, {
        region,
        projectName: project,
        accountId: props.accountId,
        // Images are pushed to the zone's first compute region (its primary) and replicated from there.
        replicateTo: i === 0 ? compute.slice(1) : [],
      });
    });
  }
}
