import { TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import type { Construct } from 'constructs';
import type { Continent, RegionsConfig } from '../lib/config';
import { ZoneDataTier } from '../lib/data';
import { gatewayHostOf } from '../lib/edge/hostnames';
import { RegionIngress } from '../lib/edge/region-ingress';
import { OFFLINE_ACCOUNT_ID } from '../lib/offline';
import { ReservedCapacity } from '../lib/capacity';
import { MtlsMesh } from '../lib/mesh/mtls-mesh';
import { globalServiceEventsRegion, Region, ROUTING_TABLE_OBJECT_KEY } from '../lib/region';
import { applyStateBackend, type StateBackendSettings } from '../lib/state-backend';

export interface ContinentStackProps {
  /** The validated platform config. */
  readonly config: RegionsConfig;
  /** Which continent this stack holds. */
  readonly continent: Continent;
  /** The routing table as JSON, published into every region's bucket for the gateway. */
  readonly routingTableJson: string;
  /** Offline plan mode (fake credentials, skip flags, example account id). @default false */
  readonly offline?: boolean;
  /** Where Terraform keeps this stack's state. @default local */
  readonly stateBackend?: StateBackendSettings;
  /** First deploy of the edge: the regions' load balancers without their HTTPS listeners, which wait for certificates the global stack validates (README "First deploy of the edge"). @default false */
  readonly edgeBootstrap?: boolean;
}

/**
 * One continent (APAC, EMEA or NA) on AWS: a {@link Region} for each of its regions, each with its
 * own aliased provider and the routing table published in its bucket, and the outputs a deployer needs per region.
 */
export class ContinentStack extends TerraformStack {
  readonly regions: Region[];
  /** The data tier of each residency zone whose regions are in this stack. */
  readonly dataTiers: ZoneDataTier[];
  /** Mutual-TLS certificate hierarchy per residency zone that has compute regions here. */
  readonly meshes: MtlsMesh[];
  /** Worker capacity of each compute region (construct id `Capacity` inside the region). */
  readonly capacities: ReservedCapacity[];
  /** The public entry (load balancer) of each region that runs the gateway, by region id. */
  readonly ingresses: ReadonlyMap<string, RegionIngress>;

  constructor(scope: Construct, id: string, props: ContinentStackProps) {
    super(scope, id);
    const { config, continent } = props;
    const specs = config.regions.filter((r) => r.continent === continent);
    if (specs.length === 0) throw new Error(`${this.node.path}: continent "${continent}" has no region in the config`);
    applyStateBackend(this, id, props.stateBackend ?? { kind: 'local' });

    const accountId =
      config.project.awsAccountId ??
      new TerraformVariable(this, 'aws_account_id', {
        type: 'string',
        description: 'AWS account the stack deploys to (12 digits)',
        default: props.offline ? OFFLINE_ACCOUNT_ID : undefined,
        validation: [
          {
            condition: '${can(regex("^[0-9]{12}$", var.aws_account_id))}',
            errorMessage: 'aws_account_id must be a 12-digit AWS account id.',
          },
        ],
      }).stringValue;

    const globalEventsRegion = globalServiceEventsRegion(config);
    this.regions = specs.map(
      (spec) =>
        new Region(this, spec.id, {
          spec,
          projectName: config.project.name,
          accountId,
          offline: props.offline,
          routingTableJson: props.routingTableJson,
          globalServiceEvents: spec.id === globalEventsRegion,
          network: config.edge.loadBalancerSourceCidrs ? { publicIngressCidrs: config.edge.loadBalancerSourceCidrs } : undefined,
        }),
    );
    for (const region of this.regions) this.addRegionOutputs(region);

    // Data tier per residency zone (zones never span continents: the config validator checks it).
    const zones = config.residencyZones.filter((z) => z.regions.some((rid) => specs.some((s) => s.id === rid)));
    this.dataTiers = zones.map(
      (z) => new ZoneDataTier(this, `Data-${z.id}`, { config, residencyZone: z.id, regions: this.regions, accountId }),
    );

    // Mutual TLS inside each zone: a CA hierarchy in the zone's primary region (else its first
    // region here) and an identity per compute region's gateway and services.
    this.meshes = zones.flatMap((z) => {
      const inZone = specs.filter((spec) => spec.residencyZone === z.id);
      const members = inZone.filter((spec) => spec.services.includes('compute')).map((spec) => spec.id);
      if (members.length === 0) return [];
      const home = inZone.find((spec) => spec.primary) ?? inZone[0];
      return [
        new MtlsMesh(this, `Mesh-${z.id}`, {
          residencyZone: z.id,
          provider: this.regionById(home.id).provider,
          memberRegions: members,
          meshDomain: `mesh.${config.project.domain}`,
          organization: config.project.name,
          accountId,
        }),
      ];
    });

    // Worker capacity of every compute region, sized from its reserved-instance plan.
    this.capacities = this.regions.flatMap((region) =>
      region.cluster ? [new ReservedCapacity(region, 'Capacity', { region, scaling: config.autoScaling })] : [],
    );
    for (const capacity of this.capacities) {
      const id = (capacity.node.scope as Region).regionId;
      new TerraformOutput(this, `${id}-cluster-autoscaler-args`, {
        value: capacity.clusterAutoscalerArgs,
        description: `Flags the Cluster Autoscaler must run with: scale-in threshold, spot/on-demand balance (${id})`,
      });
      new TerraformOutput(this, `${id}-pod-scale-out-target-percent`, {
        value: capacity.scaleOutTargetUtilizationPercent,
        description: `CPU utilisation target of the workloads' HorizontalPodAutoscalers, autoScaling.scaleOutThresholdPercent (${id})`,
      });
    }

    // The edge: a public entry per region that runs the gateway (lib/edge/region-ingress.ts).
    const ingresses = new Map<string, RegionIngress>();
    const hc = config.failover.healthCheck;
    for (const region of this.regions) {
      if (!region.spec.services.includes('compute')) continue;
      const gatewayHost = gatewayHostOf(config, region.regionId);
      const ingress = new RegionIngress(region, 'Ingress', {
        region,
        projectName: config.project.name,
        accountId,
        gatewayHost,
        // /readyz on the gateway's admin port with the design's timings; the Cloudflare monitor probes
        // hc.path through the edge, which the gateway answers on the traffic port.
        healthCheck: {
          intervalSeconds: hc.intervalSeconds,
          timeoutSeconds: hc.timeoutSeconds,
          unhealthyThreshold: hc.retries,
          healthyThreshold: config.failover.recoveryThresholds.consecutiveSuccess,
        },
        adminPort: config.alerts.metricsPort,
        httpsListener: !props.edgeBootstrap,
        httpRedirectCidrs: config.edge.loadBalancerSourceCidrs,
      });
      ingresses.set(region.regionId, ingress);
      new TerraformOutput(this, `${region.regionId}-gateway-lb-dns`, {
        value: ingress.loadBalancerDnsName,
        description: `DNS name of the gateway load balancer; ${gatewayHost} is a CNAME to it (${region.regionId})`,
      });
    }
    this.ingresses = ingresses;
  }

  /** The region with this id; throws naming the ids this stack holds. */
  regionById(id: string): Region {
    const region = this.regions.find((r) => r.regionId === id);
    if (!region) {
      throw new Error(
        `${this.node.path}: region "${id}" is not in this stack; allowed: ${this.regions.map((r) => `"${r.regionId}"`).join(', ')}`,
      );
    }
    return region;
  }

  /** What a user of `cdktf deploy` needs of a region, as outputs named `<region>-<attribute>`. */
  private addRegionOutputs(region: Region): void {
    const id = region.regionId;
    const output = (name: string, value: string | string[], description: string) =>
      new TerraformOutput(this, `${id}-${name}`, { value, description: `${description} (${id})` });
    output('bucket', region.bucket.bucketName, `Region bucket; the routing table is at ${ROUTING_TABLE_OBJECT_KEY}`);
    output('key-arn', region.key.keyArn, "ARN of the customer-managed KMS key that encrypts the region's data and logs");
    output('vpc', region.network.vpcId, 'VPC id');
    output('private-subnet-ids', region.network.privateSubnetIds, 'Private subnet ids, one per availability zone');
    output('public-subnet-ids', region.network.publicSubnetIds, 'Public subnet ids, one per availability zone');
    output('lb-security-group-id', region.securityGroups.loadBalancerSecurityGroupId, 'Security group of the load-balancer tier');
    output('gateway-security-group-id', region.securityGroups.gatewaySecurityGroupId, 'Security group of the gateway tier');
    output('database-security-group-id', region.securityGroups.databaseSecurityGroupId, 'Security group of the database tier');
    if (region.cluster) {
      output('cluster-name', region.cluster.clusterName, 'EKS cluster name');
      output('cluster-endpoint', region.cluster.clusterEndpoint, 'EKS API server endpoint (private)');
      output('cluster-oidc-issuer', region.cluster.oidcIssuerUrl, 'OIDC issuer URL of the cluster (IAM roles for service accounts)');
    }
  }
}
