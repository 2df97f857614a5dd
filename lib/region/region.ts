import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack, Token } from 'cdktf';
import { Construct } from 'constructs';
import type { RegionSpec } from '../config/model';
import { SERVICES } from '../config/schema';
import { AVAILABILITY_ZONE, PROJECT_NAME, REGION_ID, RESIDENCY_ZONE_ID, SECURITY_GROUP_INBOUND_RULES } from '../limits';
import { ConfigValidationError } from '../config/errors';
import { regionSpecProblems } from '../config/validate';
import { offlineProviderSettings } from '../offline';
import { parseCidr } from '../private/cidr';
import { zoneRegion } from '../private/subnet-layout';
import { ACCOUNT_ID, checkText, propError, requireLiteral, checkRequiredProps, checkBoolean } from '../private/prop-checks';
import { regionTags } from '../private/tags';
import type { IRegion } from './interfaces';
import { RegionAuditTrail } from './region-audit-trail';
import { RegionBucket } from './region-bucket';
import { RegionCluster } from './region-cluster';
import { RegionKey } from './region-key';
import { RegionNetwork } from './region-network';
import { RegionSecurityGroups } from './region-security-groups';
import { checkRoutingTableJson, RoutingTableObject } from './routing-table-object';
import { claimAppUnique } from '../private/app-unique';
import { formatValue } from '../../runtime/problem';

/** The one region whose trail records global service events (IAM, STS, root, console sign-in): where AWS delivers them. */
export const GLOBAL_SERVICE_EVENTS_REGION = 'us-east-1';

/**
 * The region of a config whose trail records global service events (IAM, STS, root and console
 * sign-in), once for the account: us-east-1 when the config has it (a single-region trail there
 * receives them), else the region the config names (`globalServiceEvents.region`) or its first
 * region, whose trail is then a multi-region trail (the only kind AWS delivers them to outside
 * us-east-1). The validator makes a config spanning several zones name it, with a reason.
 */
export function globalServiceEventsRegion(config: {
  readonly regions: readonly { readonly id: string }[];
  readonly globalServiceEvents?: { readonly region: string };
}): string {
  if (config.regions.some((r) => r.id === GLOBAL_SERVICE_EVENTS_REGION)) return GLOBAL_SERVICE_EVENTS_REGION;
  return config.globalServiceEvents?.region ?? config.regions[0].id;
}

/** Options of the region's network. */
export interface RegionNetworkOptions {
  /** One NAT gateway per AZ rather than one shared. @default true */
  readonly natGatewayPerAz?: boolean;
  /** CIDRs allowed to reach the load-balancer tier on 443. @default ["0.0.0.0/0"] (the public API) */
  readonly publicIngressCidrs?: readonly string[];
}

/** Options of the region's Kubernetes control plane (regions that serve compute). */
export interface RegionClusterOptions {
  /** Kubernetes version: "1.32" to "1.39" (the minors EKS supports). @default "1.35" */
  readonly kubernetesVersion?: string;
  /** Expose the API server endpoint publicly. @default false */
  readonly publicEndpoint?: boolean;
}

/** Options of the region's bucket. */
export interface RegionBucketOptions {
  /** Allow `terraform destroy` to delete a non-empty bucket. @default false */
  readonly forceDestroy?: boolean;
}

export interface RegionProps {
  /** The region's declaration (from `regions.config.ts`, validated). */
  readonly spec: RegionSpec;
  /** Project name: prefix of resource names, `Project` tag. */
  readonly projectName: string;
  /** AWS account id, or a token such as a Terraform variable's value. */
  readonly accountId: string;
  /** Provider to create the region's resources with. @default a new AWS provider aliased to the region id, with the region's tags as default tags */
  readonly provider?: AwsProvider;
  /** Put offline-plan settings (fake credentials, skip flags) into the provider this construct creates. @default false */
  readonly offline?: boolean;
  /** Network options. @default the defaults of {@link RegionNetworkOptions} */
  readonly network?: RegionNetworkOptions;
  /** Cluster options; ignored where the region does not serve compute. @default the defaults of {@link RegionClusterOptions} */
  readonly cluster?: RegionClusterOptions;
  /** Bucket options. @default the defaults of {@link RegionBucketOptions} */
  readonly bucket?: RegionBucketOptions;
  /** The routing table as JSON, published in the region's bucket for its gateway. @default not published */
  readonly routingTableJson?: string;
  /**
   * Record the account's global service events (IAM, STS, root and console sign-in) in this region's
   * trail, with their alarms. Outside us-east-1 the trail becomes a multi-region trail (AWS delivers
   * these events to single-region trails only in us-east-1). Exactly one Region of an account should:
   * {@link globalServiceEventsRegion} picks it from a config. @default true in us-east-1, false elsewhere
   */
  readonly globalServiceEvents?: boolean;
}

/**
 * One cloud region of the platform (AWS): its provider, encryption key, bucket, audit trail,
 * network with the design's network policy as security groups and, where the region serves
 * compute, its Kubernetes control plane. Every resource is tagged with region, continent, residency
 * zone and compliance regimes (provider default tags). Makes no data-source calls, so `terraform
 * plan` runs offline. Other constructs take its parts through the `IRegion*` interfaces.
 */
export class Region extends Construct implements IRegion {
  /** Region id, e.g. "eu-west-1". */
  readonly regionId: string;
  /** The region's declaration. */
  readonly spec: RegionSpec;
  /** AWS account the region's resources are created in (a token allowed). */
  readonly accountId: string;
  /** AWS provider of the region. */
  readonly provider: AwsProvider;
  /** Customer-managed encryption key (construct id `Key`). */
  readonly key: RegionKey;
  /** The region's bucket (construct id `Storage`). */
  readonly bucket: RegionBucket;
  /** The regional audit trail (construct id `Audit`). */
  readonly auditTrail: RegionAuditTrail;
  /** VPC, subnets, NAT and flow logs (construct id `Network`). */
  readonly network: RegionNetwork;
  /** The design's network policy as tier security groups (construct id `NetworkPolicy`). */
  readonly securityGroups: RegionSecurityGroups;
  /** Kubernetes control plane (construct id `Cluster`); undefined when the region does not serve compute. */
  readonly cluster?: RegionCluster;
  /** The routing table in the region's bucket (construct id `RoutingTable`); undefined when no table was given. */
  readonly routingTable?: RoutingTableObject;
  /** The audit trail's alarm topic (`<prefix>-security-alarms`, encrypted with the region key): the region's alarms notify it. */
  readonly alarmTopicArn: string;

  constructor(scope: Construct, id: string, props: RegionProps) {
    super(scope, id);
    checkRequiredProps<RegionProps>(this.node.path, props, {
      spec: 'a region of the validated config (validateRegionsConfig(...).regions)',
      projectName: PROJECT_NAME.allowed,
      accountId: 'a 12-digit AWS account id, or a token',
    });
    checkBoolean(this, 'offline', props.offline);
    checkBoolean(this, 'globalServiceEvents', props.globalServiceEvents);
    const { spec, projectName, accountId } = props;
    if (spec === null || typeof spec !== 'object' || Array.isArray(spec))
      propError(this, 'spec', spec, 'a region of the validated config (validateRegionsConfig(...).regions)');
    for (const field of ['id', 'cidr', 'availabilityZones', 'services', 'residencyZone'] as const)
      if (spec[field] === undefined)
        propError(
          this,
          `spec.${field}`,
          spec[field],
          'a region of the validated config (validateRegionsConfig(...).regions): it sets every field',
        );
    // The lists of the declaration: a string here was read by `includes` as text ("storage,compute"
    // holds "compute") or failed inside the network with its own name.
    if (!Array.isArray(spec.services) || spec.services.length === 0 || spec.services.some((s) => !SERVICES.includes(s)))
      propError(
        this,
        'spec.services',
        spec.services,
        `a non-empty list of ${SERVICES.map((s) => `"${s}"`).join(', ')} (the config expands "all")`,
      );
    if (!Array.isArray(spec.availabilityZones) && !Token.isUnresolved(spec.availabilityZones))
      propError(
        this,
        'spec.availabilityZones',
        spec.availabilityZones,
        'a list of availability zone names such as ["eu-west-1a", "eu-west-1b"]',
      );
    this.spec = spec;
    this.regionId = spec.id;
    this.accountId = accountId;
    checkText(this, 'projectName', projectName, PROJECT_NAME);
    // The region id names the provider alias, construct ids and resource names: a literal.
    requireLiteral(this, 'spec.id', spec.id, REGION_ID.allowed, 'it names the provider, resources and outputs at synth');
    if (!REGION_ID.pattern.test(spec.id)) propError(this, 'spec.id', spec.id, REGION_ID.allowed);
    // Zones of another region put this region's subnets there, under this region's provider: AWS
    // refuses it at apply, after the VPC (found by QA: eu-west-2 with eu-west-1a passed synth).
    // A malformed name is the network's to name; a token zone is refused there too.
    if (Array.isArray(spec.availabilityZones))
      spec.availabilityZones.forEach((az, i) => {
        if (typeof az === 'string' && AVAILABILITY_ZONE.pattern.test(az) && zoneRegion(az) !== spec.id)
          propError(
            this,
            `spec.availabilityZones[${i}]`,
            az,
            `a zone of region ${spec.id}, such as "${spec.id}a" (${az} is in ${zoneRegion(az)})`,
          );
      });
    // The residency zone is what the zone constructs (ReplicatedDatabase, ZoneNetwork, MtlsMesh)
    // compare at synth to keep personal data in its zone; the regimes are joined into a tag at synth.
    requireLiteral(
      this,
      'spec.residencyZone',
      spec.residencyZone,
      RESIDENCY_ZONE_ID.allowed,
      'the zone constructs compare it at synth to keep personal data in the zone',
    );
    requireLiteral(
      this,
      'spec.compliance',
      spec.compliance,
      'a literal list of regimes (each may be a token)',
      'joined into the Compliance tag at synth',
    );
    // The spec may have been edited since the config was validated (found by QA: a regime "${file(...)}"
    // written into the default tags, a reserved zone name, a public CIDR, a region of the aws-cn
    // partition with "arn:aws:" ARNs, a missing continent whose tag was dropped): its fields are
    // checked again by the config's own rules. Tokens are known at apply only and are not checked
    // here (a token CIDR or AZ list is refused by the network, which computes subnets from them).
    const specProblems = regionSpecProblems(spec, (value) => Token.isUnresolved(value));
    if (specProblems.length > 0) throw new ConfigValidationError(specProblems, `${this.node.path}: spec`);
    checkText(this, 'accountId', accountId, ACCOUNT_ID);
    const ingressCidrs = props.network?.publicIngressCidrs;
    if (ingressCidrs !== undefined) {
      requireLiteral(
        this,
        'network.publicIngressCidrs',
        ingressCidrs,
        'a literal list of IPv4 CIDRs (each may be a token)',
        'one rule per CIDR',
      );
      // A single CIDR as a string: its characters were iterated (a TypeError from inside).
      if (!Array.isArray(ingressCidrs))
        propError(
          this,
          'network.publicIngressCidrs',
          ingressCidrs,
          'a list of IPv4 CIDRs such as ["203.0.113.0/24"] (each may be a token)',
        );
      if (ingressCidrs.length === 0)
        propError(this, 'network.publicIngressCidrs', ingressCidrs, 'at least one IPv4 CIDR (omit it for the public API, 0.0.0.0/0)');
      // One inbound rule each on the load-balancer group (RegionIngress adds one per redirect CIDR):
      // AWS's default quota is 60 inbound rules per security group.
      if (ingressCidrs.length > SECURITY_GROUP_INBOUND_RULES)
        propError(
          this,
          'network.publicIngressCidrs',
          ingressCidrs,
          `at most ${SECURITY_GROUP_INBOUND_RULES} CIDRs (one inbound rule each; AWS's default quota of inbound rules per security group, shared with RegionIngress's port-80 rules): merge adjacent ranges`,
        );
      ingressCidrs.forEach((cidr, i) => {
        if (Token.isUnresolved(cidr)) return;
        const parsed = parseCidr(cidr);
        if ('error' in parsed)
          propError(
            this,
            `network.publicIngressCidrs[${i}]`,
            cidr,
            `an IPv4 CIDR in canonical form such as "203.0.113.0/24" (it ${parsed.error})`,
          );
      });
      if (new Set(ingressCidrs).size !== ingressCidrs.length) propError(this, 'network.publicIngressCidrs', ingressCidrs, 'each CIDR once');
    }
    const namePrefix = `${projectName}-${spec.id}`;
    this.provider =
      props.provider ??
      new AwsProvider(this, 'Provider', {
        region: spec.id,
        alias: spec.id.replace(/-/g, '_'),
        defaultTags: [{ tags: regionTags(projectName, spec) }],
        ...(props.offline ? offlineProviderSettings() : {}),
      });
    const provider = this.provider;
    // The offline settings are a public placeholder TSLJ-SEC-1 knows (OFFLINE_PLACEHOLDER_CREDENTIAL):
    // nothing is suppressed, so a real key put on this provider is still a finding.
    // A provider handed in must create resources in this region; its region may be a token, so this
    // runs once the tree is built.
    this.node.addValidation({
      validate: () => {
        const region = provider.region;
        // A provider without a region takes it from AWS_REGION or the profile at apply: the region's
        // data would go wherever the deploying shell points (found by QA). A token region is kept.
        if (region === undefined)
          return [
            `provider ${provider.node.path} sets no region (it would take AWS_REGION or the profile's at apply); allowed: a provider for ${spec.id} (region: "${spec.id}", or a token)`,
          ];
        return !Token.isUnresolved(region) && region !== spec.id
          ? [`provider region "${region}" is not the region's id "${spec.id}"; allowed: a provider for ${spec.id}`]
          : [];
      },
    });

    // Two Regions for one region id in a stack would declare two providers with one alias and the
    // same resource names: Terraform refuses the first, AWS the second. Checked once the tree is built.
    this.node.addValidation({
      validate: () => {
        const stack = TerraformStack.of(this);
        const twins = stack.node
          .findAll()
          .filter((c): c is Region => c instanceof Region && c !== this && c.regionId === this.regionId && TerraformStack.of(c) === stack);
        return twins.length > 0
          ? [
              `region "${this.regionId}" is declared again in this stack at ${twins.map((t) => t.node.path).join(', ')}; allowed: one Region per region id and stack`,
            ]
          : [];
      },
    });
    // In two stacks of one app, the same project's region would create the same bucket, key alias,
    // cluster, trail and IAM roles (names of project and region) in one account.
    claimAppUnique(
      this,
      'Region',
      [projectName, spec.id],
      `the names of Region ${spec.id} of project ${formatValue(projectName)} (bucket, key alias, cluster, trail, IAM roles)`,
      'one Region per region id, project and account in an app (another project name, or another account)',
      accountId,
    );

    const globalEvents = props.globalServiceEvents ?? spec.id === GLOBAL_SERVICE_EVENTS_REGION;
    if (typeof globalEvents !== 'boolean') propError(this, 'globalServiceEvents', globalEvents, 'true or false');
    this.key = new RegionKey(this, 'Key', { provider, regionId: spec.id, projectName, accountId });
    const trailName = `${namePrefix}-audit`;
    this.bucket = new RegionBucket(this, 'Storage', {
      provider,
      regionId: spec.id,
      projectName,
      accountId,
      kmsKeyArn: this.key.keyArn,
      trailName,
      forceDestroy: props.bucket?.forceDestroy,
    });
    this.auditTrail = new RegionAuditTrail(this, 'Audit', {
      provider,
      trailName,
      bucketName: this.bucket.bucketName,
      bucketPolicy: this.bucket.bucketPolicy,
      kmsKeyArn: this.key.keyArn,
      namePrefix,
      // IAM/STS/console events reach single-region trails only in us-east-1: record them once, there
      // or in a multi-region trail of the region chosen to (a fleet without us-east-1).
      includeGlobalServiceEvents: globalEvents,
      multiRegionTrail: globalEvents && spec.id !== GLOBAL_SERVICE_EVENTS_REGION,
    });
    this.alarmTopicArn = this.auditTrail.alarms.topic.arn;
    this.network = new RegionNetwork(this, 'Network', {
      provider,
      namePrefix,
      cidr: spec.cidr,
      availabilityZones: spec.availabilityZones,
      natGatewayPerAz: props.network?.natGatewayPerAz,
      flowLogBucketArn: this.bucket.bucketArn,
    });
    this.securityGroups = new RegionSecurityGroups(this, 'NetworkPolicy', {
      provider,
      vpcId: this.network.vpcId,
      namePrefix,
      publicIngressCidrs: props.network?.publicIngressCidrs,
    });
    if (spec.services.includes('compute')) {
      this.cluster = new RegionCluster(this, 'Cluster', {
        provider,
        clusterName: namePrefix,
        subnetIds: this.network.privateSubnetIds,
        kmsKeyArn: this.key.keyArn,
        // The config's regions[].cluster, unless the props say otherwise (a Region built from a
        // validated spec in one's own stack took the default and dropped the config's version).
        kubernetesVersion: props.cluster?.kubernetesVersion ?? spec.cluster?.kubernetesVersion,
        publicEndpoint: props.cluster?.publicEndpoint,
      });
    }
    if (props.routingTableJson !== undefined) {
      checkRoutingTableJson(this, 'routingTableJson', props.routingTableJson);
      this.routingTable = new RoutingTableObject(this, 'RoutingTable', {
        provider,
        bucket: this.bucket,
        content: props.routingTableJson,
        encryptionKey: this.key,
        dependsOn: [this.bucket.bucketPolicy],
      });
    }
  }
}
