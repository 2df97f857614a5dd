import { AcmCertificate } from '@cdktf/provider-aws/lib/acm-certificate';
import { AcmCertificateValidation } from '@cdktf/provider-aws/lib/acm-certificate-validation';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbListenerRule } from '@cdktf/provider-aws/lib/lb-listener-rule';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { suppressRule } from '../compliance/suppressions';
import type { IRegion } from '../region/interfaces';
import type { DnsRecordSpec } from './global-ingress';
import type { IRegionalEntry } from './cdn-zone';
import { GATEWAY_HOST_MAX_LENGTH, otherRegionNamedBy } from './hostnames';
import { LoadBalancerLogBucket } from './load-balancer-log-bucket';
import { ORIGIN_AUTH_HEADER, originSecretOf } from './origin-auth';
import { DNS_NAME, GATEWAY_ADMIN_PORT, GATEWAY_TRAFFIC_PORT, PROJECT_NAME, SECURITY_GROUP_INBOUND_RULES } from '../limits';
import { formatCidr, parseCidr } from '../private/cidr';
import {
  ACCOUNT_ID,
  checkText,
  propError,
  requireLiteral,
  checkRequiredProps,
  checkRegionLike,
  checkBoolean,
  pathError,
} from '../private/prop-checks';
import { claimAppUnique } from '../private/app-unique';
import { formatValue } from '../../runtime/problem';

/** Idle timeout of the regional load balancers, seconds: the gateway's keep-alive must be longer. */
export const LOAD_BALANCER_IDLE_TIMEOUT_SECONDS = 60;

/** What the HTTPS listener answers a request without the edge's origin secret (origin authentication on). */
export const NOT_THROUGH_EDGE_RESPONSE = {
  statusCode: '403',
  contentType: 'application/json',
  messageBody: '{"error":"not-through-edge","detail":"this host answers requests of the global edge only; call the API host"}',
} as const;

/**
 * The path the target group probes on the gateway's admin port: readiness, 503 while the gateway
 * drains or has no region with a healthy upstream (`/healthz` stays 200 then).
 */
export const GATEWAY_READINESS_PATH = '/readyz';

/**
 * Health check of the gateway target group: `GET /readyz` on the gateway's admin port (the timings
 * are the design's, from `failover` in the config). No path: the admin port answers readiness there only.
 */
export interface GatewayHealthCheck {
  /** Seconds between probes (5-300). @default 30 */
  readonly intervalSeconds?: number;
  /** Seconds before a probe fails (2-120, below the interval). @default 10 */
  readonly timeoutSeconds?: number;
  /** Failed probes before a target is unhealthy (2-10). @default 3 */
  readonly unhealthyThreshold?: number;
  /** Passed probes before a target is healthy again (2-10). @default 5 */
  readonly healthyThreshold?: number;
}

export interface RegionIngressProps {
  /** The region: its provider, public subnets, load-balancer security group. */
  readonly region: IRegion;
  /** Project name, the prefix of resource names. */
  readonly projectName: string;
  /** AWS account id (may be a token); names the access-log bucket. */
  readonly accountId: string;
  /** Public host of the region's gateway; the certificate's name (DNS validation record published by CdnZone). */
  readonly gatewayHost: string;
  /** The target group's health check (of /readyz on `adminPort`). @default the design's: every 30 s, 10 s timeout, 3 down, 5 up */
  readonly healthCheck?: GatewayHealthCheck;
  /**
   * The gateway's admin port (`--admin-port`), where the target group checks /readyz; the load
   * balancer's group may reach it in the gateway's group (two rules this construct adds).
   * @default 9090 (GATEWAY_ADMIN_PORT: the gateway image's; config `alerts.metricsPort`)
   */
  readonly adminPort?: number;
  /** TLS policy of the HTTPS listener. @default "ELBSecurityPolicy-TLS13-1-2-2021-06" (TLS 1.2 and 1.3) */
  readonly sslPolicy?: string;
  /** Protect the load balancer from deletion. @default true */
  readonly deletionProtection?: boolean;
  /**
   * Create the HTTPS listener, which waits for the certificate to be issued. The first deploy of a
   * region runs without it (its validation record is published by the global stack, which reads
   * it from this stack), then with it; see README "First deploy of the edge". @default true
   */
  readonly httpsListener?: boolean;
  /** CIDRs allowed to reach port 80 (which only redirects to HTTPS). @default ["0.0.0.0/0"] */
  readonly httpRedirectCidrs?: readonly string[];
  /** Days access logs are kept. @default 365 */
  readonly accessLogRetentionDays?: number;
  /**
   * Forward only requests carrying the edge's origin secret ({@link ORIGIN_AUTH_HEADER}); answer
   * every other request 403, so that no one reaches the gateway around Cloudflare and Cloud Armor
   * (and the gateway may believe `CF-Connecting-IP`). Must be a literal. @default true
   */
  readonly originAuthentication?: boolean;
  /** The origin secret (32-128 lower-case letters and digits, or a token). @default the stack's Terraform variable `edge_origin_secret` */
  readonly originSecret?: string;
}

/** TLS policies with TLS 1.2 as the minimum (ELB predefined policies). */
export const TLS12_POLICIES = [
  'ELBSecurityPolicy-TLS13-1-2-2021-06',
  'ELBSecurityPolicy-TLS13-1-2-Res-2021-06',
  'ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06',
  'ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06',
  'ELBSecurityPolicy-TLS13-1-3-2021-06',
  'ELBSecurityPolicy-TLS-1-2-2017-01',
  'ELBSecurityPolicy-TLS-1-2-Ext-2018-06',
  'ELBSecurityPolicy-FS-1-2-2019-08',
  'ELBSecurityPolicy-FS-1-2-Res-2019-08',
  'ELBSecurityPolicy-FS-1-2-Res-2020-10',
] as const;

/** Port the gateway listens on (the gateway tier's security group allows it from the load balancer only). */
export const GATEWAY_PORT = GATEWAY_TRAFFIC_PORT;

/**
 * A region's public entry: an internet-facing Application Load Balancer in the public subnets with
 * the load-balancer tier's security group, an ACM certificate for the gateway host, an HTTPS
 * listener (TLS 1.2+) forwarding to the gateway target group on 8080 (health check: /readyz on the
 * gateway's admin port, which the load-balancer group may reach), HTTP redirected to HTTPS,
 * deletion protection, invalid header fields dropped, and access logs kept in the region.
 * Its DNS name is what the global ingress (internet NEG, through the gateway host) points at.
 */
export class RegionIngress extends Construct implements IRegionalEntry {
  /** The region this ingress serves. */
  readonly regionId: string;
  /** The host its certificate names (what CdnZone publishes as a CNAME to {@link loadBalancerDnsName}). */
  readonly gatewayHost: string;
  readonly loadBalancer: Lb;
  readonly loadBalancerDnsName: string;
  readonly loadBalancerArn: string;
  readonly targetGroupArn: string;
  readonly certificateArn: string;
  /** ACM's DNS-validation record of the certificate (tokens), for CdnZone. */
  readonly certificateValidationRecord: DnsRecordSpec;
  readonly accessLogs: LoadBalancerLogBucket;

  constructor(scope: Construct, id: string, props: RegionIngressProps) {
    super(scope, id);
    checkRequiredProps<RegionIngressProps>(this.node.path, props, {
      region: "a Region of the config (an IRegion: new Region(...) or one of a continent stack's regions)",
      projectName: PROJECT_NAME.allowed,
      accountId: 'a 12-digit AWS account id, or a token',
      gatewayHost: 'the gateway\'s DNS name in the region, such as "eu-west-1.gateway.example.com"',
    });
    checkBoolean(this, 'deletionProtection', props.deletionProtection);
    checkBoolean(this, 'httpsListener', props.httpsListener);
    // Decides at synth whether the listener exists: a variable would always read as true.
    requireLiteral(this, 'httpsListener', props.httpsListener, 'true or false', 'it decides whether the HTTPS listener is written');
    checkRegionLike(this, 'region', props.region);
    const { region, projectName } = props;
    if (region?.spec !== undefined && !region.spec.services.includes('compute'))
      propError(
        this,
        'region',
        region.regionId,
        `a region that runs "compute" (the gateway behind the load balancer); ${region.regionId} runs ${region.spec.services.join(', ')}`,
      );
    checkText(this, 'projectName', projectName, PROJECT_NAME);
    checkText(this, 'accountId', props.accountId, ACCOUNT_ID);
    requireLiteral(this, 'httpRedirectCidrs', props.httpRedirectCidrs, 'a list of IPv4 CIDRs', 'one ingress rule per CIDR');
    if (props.httpRedirectCidrs !== undefined && !Array.isArray(props.httpRedirectCidrs))
      propError(this, 'httpRedirectCidrs', props.httpRedirectCidrs, 'a list of IPv4 CIDRs such as ["0.0.0.0/0"]');
    if ((props.httpRedirectCidrs?.length ?? 0) > SECURITY_GROUP_INBOUND_RULES)
      propError(
        this,
        'httpRedirectCidrs',
        props.httpRedirectCidrs,
        `at most ${SECURITY_GROUP_INBOUND_RULES} CIDRs (one inbound rule each on the load-balancer group, whose default quota is ${SECURITY_GROUP_INBOUND_RULES} rules shared with the region's 443 rules): merge adjacent ranges`,
      );
    (props.httpRedirectCidrs ?? []).forEach((cidr, i) => {
      const parsed = typeof cidr === 'string' && !Token.isUnresolved(cidr) ? parseCidr(cidr) : undefined;
      // Canonical spelling only ("010.0.0.0/08" was written as given and escaped the duplicate check).
      if (typeof cidr !== 'string' || (parsed !== undefined && ('error' in parsed || formatCidr(parsed) !== cidr)))
        propError(
          this,
          `httpRedirectCidrs[${i}]`,
          cidr,
          'an IPv4 CIDR in canonical form such as "0.0.0.0/0" or "203.0.113.0/24" (network address, prefix 0-32, no leading zeros), or a token',
        );
      // AWS refuses a second identical rule on one security group (InvalidPermission.Duplicate) at apply.
      const first = props.httpRedirectCidrs!.indexOf(cidr);
      if (first < i && !Token.isUnresolved(cidr))
        propError(this, `httpRedirectCidrs[${i}]`, cidr, `each CIDR once (it is httpRedirectCidrs[${first}] too)`);
    });
    const originSecret = originSecretOf(this, props.originAuthentication, props.originSecret);
    const provider = region.provider;
    const regionId = region.regionId;
    if (
      props.healthCheck !== undefined &&
      (props.healthCheck === null || typeof props.healthCheck !== 'object' || Array.isArray(props.healthCheck))
    )
      propError(
        this,
        'healthCheck',
        props.healthCheck,
        '{ intervalSeconds, timeoutSeconds, unhealthyThreshold, healthyThreshold } (each optional)',
      );
    const hc = validateHealthCheck(this.node.path, props.healthCheck ?? {});
    const adminPort = props.adminPort ?? GATEWAY_ADMIN_PORT;
    if (
      !Token.isUnresolved(adminPort) &&
      (!Number.isInteger(adminPort) || adminPort < 1 || adminPort > 65535 || adminPort === GATEWAY_PORT)
    )
      propError(
        this,
        'adminPort',
        adminPort,
        `an integer port 1..65535 other than the traffic port ${GATEWAY_PORT}: the gateway's --admin-port, where /readyz is checked (the image's is ${GATEWAY_ADMIN_PORT})`,
      );
    const sslPolicy = props.sslPolicy ?? TLS12_POLICIES[0];
    if (!Token.isUnresolved(sslPolicy) && !(TLS12_POLICIES as readonly string[]).includes(sslPolicy))
      throw new Error(
        `${this.node.path}: sslPolicy ${formatValue(sslPolicy)} is not allowed; allowed (TLS 1.2 minimum): ${TLS12_POLICIES.join(', ')}`,
      );
    checkText(this, 'gatewayHost', props.gatewayHost, DNS_NAME);
    if (!Token.isUnresolved(props.gatewayHost) && props.gatewayHost.length > GATEWAY_HOST_MAX_LENGTH)
      propError(
        this,
        'gatewayHost',
        props.gatewayHost,
        `a host of at most ${GATEWAY_HOST_MAX_LENGTH} characters (the certificate's name: ACM takes no longer one); this one has ${props.gatewayHost.length}`,
      );
    // A host naming another region (eu-west-1.gateway.… on the us-east-1 ingress) would carry that
    // region's users to this one: a residency hole CdnZone also guards against with the config.
    const otherRegion = Token.isUnresolved(props.gatewayHost) ? undefined : otherRegionNamedBy(props.gatewayHost, regionId);
    if (otherRegion !== undefined)
      propError(
        this,
        'gatewayHost',
        props.gatewayHost,
        `a host of region ${regionId} (such as "${regionId}.gateway.example.com"); this one names region ${otherRegion} and not ${regionId}`,
      );
    this.regionId = regionId;
    this.gatewayHost = props.gatewayHost;

    const certificate = new AcmCertificate(this, 'Certificate', {
      provider,
      domainName: props.gatewayHost,
      validationMethod: 'DNS',
      lifecycle: { createBeforeDestroy: true },
    });
    const validation = certificate.domainValidationOptions.get(0);
    this.certificateValidationRecord = {
      name: validation.resourceRecordName,
      type: validation.resourceRecordType,
      value: validation.resourceRecordValue,
    };
    this.certificateArn = certificate.arn;

    // The load balancer, target group and log bucket are named by project and region: one per app and account.
    claimAppUnique(
      this,
      'RegionIngress',
      [projectName, regionId],
      `the names of the ingress of ${regionId} for project ${formatValue(projectName)} (load balancer, target group, log bucket)`,
      'one RegionIngress per region, project and account in an app',
      props.accountId,
    );
    this.accessLogs = new LoadBalancerLogBucket(this, 'AccessLogs', {
      provider,
      regionId,
      projectName,
      accountId: props.accountId,
      retentionDays: props.accessLogRetentionDays,
    });

    this.loadBalancer = new Lb(this, 'LoadBalancer', {
      provider,
      name: awsName(`${projectName}-${regionId}`),
      internal: false,
      loadBalancerType: 'application',
      ipAddressType: 'ipv4',
      securityGroups: [region.securityGroups.loadBalancerSecurityGroupId],
      subnets: region.network.publicSubnetIds,
      enableDeletionProtection: props.deletionProtection ?? true,
      dropInvalidHeaderFields: true,
      desyncMitigationMode: 'strictest',
      // Stated, not left to AWS's default (also 60 s): the gateway keeps client connections longer
      // (its image sets --keep-alive-timeout-ms above this), so the load balancer closes an idle
      // connection first and never sends a request on one the gateway is closing (a 502).
      idleTimeout: LOAD_BALANCER_IDLE_TIMEOUT_SECONDS,
      accessLogs: { bucket: this.accessLogs.bucketName, prefix: this.accessLogs.prefix, enabled: true },
      dependsOn: [this.accessLogs.bucketPolicy],
    });
    this.loadBalancerDnsName = this.loadBalancer.dnsName;
    this.loadBalancerArn = this.loadBalancer.arn;

    const targetGroup = new LbTargetGroup(this, 'Gateway', {
      provider,
      name: awsName(`${projectName}-${regionId}-gw`),
      port: GATEWAY_PORT,
      protocol: 'HTTP',
      targetType: 'ip',
      vpcId: region.network.vpcId,
      deregistrationDelay: '30',
      // The gateway's readiness on its admin port, not a path on the traffic port: there every path
      // but the edge's health-check path goes to an upstream app, so the check tested an app
      // somewhere, and a draining gateway kept receiving traffic.
      healthCheck: {
        enabled: true,
        protocol: 'HTTP',
        port: Token.isUnresolved(adminPort) ? Token.asString(adminPort) : String(adminPort),
        path: GATEWAY_READINESS_PATH,
        interval: hc.intervalSeconds,
        timeout: hc.timeoutSeconds,
        unhealthyThreshold: hc.unhealthyThreshold,
        healthyThreshold: hc.healthyThreshold,
        matcher: '200',
      },
    });
    this.targetGroupArn = targetGroup.arn;
    // The health check's way to the admin port: out of the load-balancer group, into the gateway
    // group, from the load-balancer group only (RegionSecurityGroups opens the traffic port alone).
    const groups = region.securityGroups;
    new VpcSecurityGroupEgressRule(this, 'HealthCheckOut', {
      provider,
      securityGroupId: groups.loadBalancerSecurityGroupId,
      ipProtocol: 'tcp',
      fromPort: adminPort,
      toPort: adminPort,
      referencedSecurityGroupId: groups.gatewaySecurityGroupId,
      description: 'Target health check: gateway admin port (/readyz)',
    });
    new VpcSecurityGroupIngressRule(this, 'HealthCheckIn', {
      provider,
      securityGroupId: groups.gatewaySecurityGroupId,
      ipProtocol: 'tcp',
      fromPort: adminPort,
      toPort: adminPort,
      referencedSecurityGroupId: groups.loadBalancerSecurityGroupId,
      description: 'Target health check from the load balancer: admin port (/readyz)',
    });

    if (props.httpsListener ?? true) {
      const issued = new AcmCertificateValidation(this, 'CertificateIssued', {
        provider,
        certificateArn: certificate.arn,
        validationRecordFqdns: [validation.resourceRecordName],
      });
      const https = new LbListener(this, 'Https', {
        provider,
        loadBalancerArn: this.loadBalancer.arn,
        port: 443,
        protocol: 'HTTPS',
        sslPolicy,
        certificateArn: issued.certificateArn,
        defaultAction:
          originSecret === undefined
            ? [{ type: 'forward', targetGroupArn: targetGroup.arn }]
            : [{ type: 'fixed-response', fixedResponse: NOT_THROUGH_EDGE_RESPONSE }],
      });
      if (originSecret !== undefined) {
        // The load balancer compares the value case-insensitively (hence lower-case secrets only).
        new LbListenerRule(this, 'FromEdge', {
          provider,
          listenerArn: https.arn,
          priority: 1,
          condition: [{ httpHeader: { httpHeaderName: ORIGIN_AUTH_HEADER, values: [originSecret] } }],
          action: [{ type: 'forward', targetGroupArn: targetGroup.arn }],
        });
      }
    }
    new LbListener(this, 'HttpRedirect', {
      provider,
      loadBalancerArn: this.loadBalancer.arn,
      port: 80,
      protocol: 'HTTP',
      defaultAction: [{ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' } }],
    });
    // The load-balancer tier admits 443 (RegionSecurityGroups); the redirect needs 80 as well.
    (props.httpRedirectCidrs ?? ['0.0.0.0/0']).forEach((cidr, i) => {
      const rule = new VpcSecurityGroupIngressRule(this, `HttpRedirectIn${i}`, {
        provider,
        securityGroupId: region.securityGroups.loadBalancerSecurityGroupId,
        ipProtocol: 'tcp',
        fromPort: 80,
        toPort: 80,
        cidrIpv4: cidr,
        description: 'HTTP, redirected to HTTPS by the load balancer',
      });
      suppressRule(
        rule,
        'TSLJ-NET-1',
        'port 80 on the load-balancer tier only answers a 301 redirect to HTTPS (the issue asks for HTTP redirected to HTTPS); no request is forwarded from it',
      );
    });
  }
}

/** An ELB name (at most 32 characters): the name itself, or its start and a short hash. */
function awsName(name: string): string {
  if (name.length <= 32) return name;
  let h = 0;
  for (const c of name) h = (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0;
  return `${name.slice(0, 25).replace(/-+$/, '')}-${h.toString(36).slice(0, 6)}`;
}

function validateHealthCheck(path: string, hc: GatewayHealthCheck): Required<GatewayHealthCheck> {
  // Before, the check probed a path on the traffic port; a caller still passing one is told where it went.
  const given = (hc as { path?: unknown }).path;
  if (given !== undefined)
    pathError(
      path,
      'healthCheck.path',
      given,
      `no path (leave it out): the target group checks ${GATEWAY_READINESS_PATH} on the gateway's admin port (adminPort), its readiness; the edge's path (config failover.healthCheck.path) is answered by the gateway on the traffic port`,
    );
  const v: Required<GatewayHealthCheck> = {
    intervalSeconds: hc.intervalSeconds ?? 30,
    timeoutSeconds: hc.timeoutSeconds ?? 10,
    unhealthyThreshold: hc.unhealthyThreshold ?? 3,
    healthyThreshold: hc.healthyThreshold ?? 5,
  };
  const range = (field: keyof GatewayHealthCheck, min: number, max: number) => {
    const value = v[field] as number;
    if (!Token.isUnresolved(value) && (!Number.isInteger(value) || value < min || value > max))
      throw new Error(
        `${path}: healthCheck.${field} ${formatValue(value)} is not allowed; allowed: a whole number from ${min} to ${max} (ALB target group limits)`,
      );
  };
  range('intervalSeconds', 5, 300);
  range('timeoutSeconds', 2, 120);
  range('unhealthyThreshold', 2, 10);
  range('healthyThreshold', 2, 10);
  if (!Token.isUnresolved(v.timeoutSeconds) && !Token.isUnresolved(v.intervalSeconds) && v.timeoutSeconds >= v.intervalSeconds)
    throw new Error(
      `${path}: healthCheck.timeoutSeconds ${v.timeoutSeconds} is not allowed; allowed: less than intervalSeconds (${v.intervalSeconds})`,
    );
  return v;
}
