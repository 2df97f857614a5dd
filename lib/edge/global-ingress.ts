import { CertificateManagerCertificate } from '@cdktf/provider-google/lib/certificate-manager-certificate';
import { CertificateManagerCertificateMap } from '@cdktf/provider-google/lib/certificate-manager-certificate-map';
import { CertificateManagerCertificateMapEntry } from '@cdktf/provider-google/lib/certificate-manager-certificate-map-entry';
import { CertificateManagerDnsAuthorization } from '@cdktf/provider-google/lib/certificate-manager-dns-authorization';
import { ComputeBackendService } from '@cdktf/provider-google/lib/compute-backend-service';
import { ComputeGlobalAddress } from '@cdktf/provider-google/lib/compute-global-address';
import { ComputeGlobalForwardingRule } from '@cdktf/provider-google/lib/compute-global-forwarding-rule';
import { ComputeGlobalNetworkEndpoint } from '@cdktf/provider-google/lib/compute-global-network-endpoint';
import { ComputeGlobalNetworkEndpointGroup } from '@cdktf/provider-google/lib/compute-global-network-endpoint-group';
import { ComputeSecurityPolicy, type ComputeSecurityPolicyRule } from '@cdktf/provider-google/lib/compute-security-policy';
import { ComputeSslPolicy } from '@cdktf/provider-google/lib/compute-ssl-policy';
import { ComputeTargetHttpProxy } from '@cdktf/provider-google/lib/compute-target-http-proxy';
import { ComputeTargetHttpsProxy } from '@cdktf/provider-google/lib/compute-target-https-proxy';
import { ComputeUrlMap } from '@cdktf/provider-google/lib/compute-url-map';
import { TerraformStack, Token } from 'cdktf';
import { Construct } from 'constructs';
import type { RegionsConfig } from '../config/model';
import { gatewayHostOf, gatewayRegions, regionApiHostOf } from './hostnames';
import {
  assertValidatedConfig,
  propError,
  checkRequiredProps,
  checkBoolean,
  checkText,
  requireLiteral,
  TERRAFORM_IDENTIFIER,
} from '../private/prop-checks';
import { claimAppUnique } from '../private/app-unique';
import { ORIGIN_AUTH_HEADER, originSecretOf } from './origin-auth';
import { formatValue } from '../../runtime/problem';

/** A DNS record another system must publish (e.g. Certificate Manager's DNS authorization). */
export interface DnsRecordSpec {
  /** Fully qualified name (may be a token). */
  readonly name: string;
  /** Record type, e.g. "CNAME". */
  readonly type: string;
  /** Record data (may be a token). */
  readonly value: string;
}

/** What CdnZone and the stack need from the global ingress. */
export interface IGlobalIngress {
  /** The global anycast IPv4 address. */
  readonly ipAddress: string;
  /** Certificate Manager DNS-authorization records to publish in the zone of the API host. */
  readonly dnsAuthorizationRecords: readonly DnsRecordSpec[];
  /** Id of the certificate map attached to the HTTPS proxy. */
  readonly certificateMapId: string;
  /** Backend-service names by region id. */
  readonly backendServiceNames: Readonly<Record<string, string>>;
}

/** Cloud Armor rate limit applied per client. */
export interface EdgeRateLimit {
  /** Requests a client may make per interval before it is throttled (HTTP 429). @default 600 */
  readonly requests?: number;
  /** Interval in seconds; Cloud Armor allows 10, 30, 60, 120, 180, 240, 300, 600, 900, 1200, 1800, 2700, 3600. @default 60 */
  readonly intervalSeconds?: number;
  /**
   * Header that carries the client address. Behind Cloudflare every request comes from a Cloudflare
   * address, so keying on the source IP would throttle whole Cloudflare data centres; requests
   * without the header (direct hits on the IP) share one bucket. @default "CF-Connecting-IP"
   */
  readonly clientHeader?: string;
}

export interface GlobalIngressProps {
  /** The validated platform config (project names, API host, gateway regions). */
  readonly config: RegionsConfig;
  /** Run the preconfigured OWASP rules in preview (log only) rather than deny. @default true */
  readonly owaspPreview?: boolean;
  /** Cloud Armor rate limit per client. @default 600 requests per 60 s per CF-Connecting-IP */
  readonly rateLimit?: EdgeRateLimit;
  /** SSL policy profile (both with TLS 1.2 minimum). @default 'MODERN' */
  readonly sslProfile?: 'MODERN' | 'RESTRICTED';
  /** Terraform logical id of the global address, kept stable across refactors so the IP is not replaced. @default 'GlobalIp' */
  readonly addressLogicalId?: string;
  /**
   * Deny (403) every request without the edge's origin secret ({@link ORIGIN_AUTH_HEADER}, set by
   * CdnZone): no one reaches the gateways around Cloudflare, and `CF-Connecting-IP` (the rate
   * limit's key, the gateway's client address) is Cloudflare's. Must be a literal. @default true
   */
  readonly originAuthentication?: boolean;
  /** The origin secret (32-128 lower-case letters and digits, or a token). @default the stack's Terraform variable `edge_origin_secret` */
  readonly originSecret?: string;
}

/** Cloud Armor intervals (rate_limit_threshold.interval_sec) the API accepts. */
export const CLOUD_ARMOR_INTERVALS = [10, 30, 60, 120, 180, 240, 300, 600, 900, 1200, 1800, 2700, 3600] as const;

/** Preconfigured OWASP Top-10 rule sets of Cloud Armor (ModSecurity CRS 3.3), in preview by default. */
export const OWASP_RULE_SETS = [
  'sqli-v33-stable',
  'xss-v33-stable',
  'lfi-v33-stable',
  'rfi-v33-stable',
  'rce-v33-stable',
  'methodenforcement-v33-stable',
  'scannerdetection-v33-stable',
  'protocolattack-v33-stable',
  'sessionfixation-v33-stable',
] as const;

/**
 * Cloud Armor priorities (lower first): the origin-secret deny, Log4j deny, the OWASP sets, then the per-client throttle,
 * whose conforming requests are allowed and end the evaluation (so it must come after every deny
 * rule; a preview rule only logs and evaluation goes on past it), then the default allow.
 */
export const ORIGIN_AUTH_PRIORITY = 800;
export const LOG4J_PRIORITY = 900;
export const OWASP_PRIORITY = 1000;
export const THROTTLE_PRIORITY = 2000;

/** Cloud Armor's preconfigured Log4j (Log4Shell) signatures, enforced in the edge policy (checkov CKV_GCP_73). */
export const LOG4J_EXPRESSION = "evaluatePreconfiguredExpr('cve-canary')";

const SCHEME = 'EXTERNAL_MANAGED';

/**
 * The design's GKE Ingress + ManagedCertificate in Terraform: Google Cloud's global external
 * Application Load Balancer in front of every region's gateway (on AWS, reached through internet
 * NEGs), with a Certificate Manager certificate for the API host and its wildcard, an SSL policy
 * (TLS 1.2+), Cloud Armor (Log4j signatures denied, rate limit, OWASP rules) and HTTP→HTTPS redirect.
 *
 * Residency: the URL map sends `<region>.<apiHost>` to that region only; every other host (the
 * plain API host, the refusal host) gets the default route, a 503 refusal from a backend service
 * without backends. The region is chosen before Google: by CdnZone's country steering.
 */
export class GlobalIngress extends Construct implements IGlobalIngress {
  readonly address: ComputeGlobalAddress;
  readonly ipAddress: string;
  readonly dnsAuthorizationRecords: readonly DnsRecordSpec[];
  readonly certificateMapId: string;
  readonly backendServiceNames: Readonly<Record<string, string>>;
  readonly securityPolicy: ComputeSecurityPolicy;
  readonly httpsUrlMap: ComputeUrlMap;

  constructor(scope: Construct, id: string, props: GlobalIngressProps) {
    super(scope, id);
    checkRequiredProps<GlobalIngressProps>(this.node.path, props, {
      config: 'the validated config: validateRegionsConfig(...) (it fills in every section and default)',
    });
    checkBoolean(this, 'owaspPreview', props.owaspPreview);
    // Written into the rule's description at synth: a variable would always read as true there.
    requireLiteral(this, 'owaspPreview', props.owaspPreview, 'true or false', 'the rule descriptions say whether OWASP rules are enforced');
    const { config } = props;
    assertValidatedConfig(this, config);
    const { project } = config;
    const name = (suffix: string) => `${project.name}-${suffix}`;
    // Its Google resources are named after the project: one GlobalIngress per project and Google project.
    claimAppUnique(
      this,
      'GlobalIngress',
      [project.name],
      `the Google resources of project ${formatValue(project.name)} (certificate, backend services, URL maps, security policy)`,
      'one GlobalIngress per project and Google Cloud project in an app',
      project.gcpProject,
    );
    const rate = validateRateLimit(this, props.rateLimit ?? {});
    if (
      props.sslProfile !== undefined &&
      !Token.isUnresolved(props.sslProfile) &&
      props.sslProfile !== 'MODERN' &&
      props.sslProfile !== 'RESTRICTED'
    )
      propError(this, 'sslProfile', props.sslProfile, '"MODERN" or "RESTRICTED" (both with TLS 1.2 minimum)');
    // The logical id is the resource's name in the Terraform JSON: Terraform refuses anything but an identifier.
    if (props.addressLogicalId !== undefined) {
      requireLiteral(
        this,
        'addressLogicalId',
        props.addressLogicalId,
        TERRAFORM_IDENTIFIER.allowed,
        "it is the address's resource name, which Terraform reads before any value",
      );
      checkText(this, 'addressLogicalId', props.addressLogicalId, TERRAFORM_IDENTIFIER);
    }

    this.address = new ComputeGlobalAddress(this, 'Address', {
      name: name('global-ip'),
      description: `Global anycast address of ${project.apiHost}`,
    });
    // The address existed before this construct (stack-level id "GlobalIp"): keep its Terraform address.
    const addressLogicalId = props.addressLogicalId ?? 'GlobalIp';
    this.address.overrideLogicalId(addressLogicalId);
    // A logical id names one resource of a stack: a second GlobalIngress with the same one replaced
    // the first one's address in the JSON (both load balancers on one IP, the first address destroyed).
    claimAppUnique(
      this,
      'GlobalIngressAddress',
      [TerraformStack.of(this).node.path, addressLogicalId],
      `the global address's logical id ${formatValue(addressLogicalId)} (addressLogicalId) in stack ${TerraformStack.of(this).node.path}`,
      'one GlobalIngress per addressLogicalId in a stack (give a second one its own addressLogicalId)',
    );
    this.ipAddress = this.address.address;

    // Certificate: Certificate Manager, DNS authorization (records published by CdnZone in Cloudflare).
    const dnsAuthorization = new CertificateManagerDnsAuthorization(this, 'DnsAuthorization', {
      name: name('api-dns-auth'),
      domain: project.apiHost,
      description: `Proves control of ${project.apiHost} and *.${project.apiHost}`,
    });
    const record = dnsAuthorization.dnsResourceRecord.get(0);
    this.dnsAuthorizationRecords = [{ name: record.name, type: record.type, value: record.data }];
    const certificate = new CertificateManagerCertificate(this, 'Certificate', {
      name: name('api-cert'),
      description: `${project.apiHost} and its region hosts`,
      managed: { domains: [project.apiHost, `*.${project.apiHost}`], dnsAuthorizations: [dnsAuthorization.id] },
    });
    const certificateMap = new CertificateManagerCertificateMap(this, 'CertificateMap', { name: name('api-cert-map') });
    [project.apiHost, `*.${project.apiHost}`].forEach(
      (hostname, i) =>
        new CertificateManagerCertificateMapEntry(this, `CertificateMapEntry${i}`, {
          name: name(i === 0 ? 'api-cert-entry' : 'api-wildcard-cert-entry'),
          map: certificateMap.name,
          hostname,
          certificates: [certificate.id],
        }),
    );
    this.certificateMapId = certificateMap.id;

    const sslPolicy = new ComputeSslPolicy(this, 'SslPolicy', {
      name: name('tls12'),
      profile: props.sslProfile ?? 'MODERN',
      minTlsVersion: 'TLS_1_2',
    });

    const originSecret = originSecretOf(this, props.originAuthentication, props.originSecret);
    const rules: ComputeSecurityPolicyRule[] = [
      ...(originSecret === undefined
        ? []
        : [
            {
              // First: a request that did not pass Cloudflare (a direct call of the global IP, or
              // another Cloudflare zone pointed at it) is refused before anything else reads it.
              priority: ORIGIN_AUTH_PRIORITY,
              description: `Without the edge's origin secret (${ORIGIN_AUTH_HEADER}): denied`,
              action: 'deny(403)',
              preview: false,
              match: {
                expr: {
                  expression: `!has(request.headers['${ORIGIN_AUTH_HEADER}']) || request.headers['${ORIGIN_AUTH_HEADER}'] != '${originSecret}'`,
                },
              },
            },
          ]),
      {
        // Enforced whatever owaspPreview says: the Log4Shell signatures have no false positives on
        // ordinary API traffic. Every deny rule stands before the rate limit: a request that matches
        // the throttle rule and is under the limit is allowed there and no later rule is evaluated.
        priority: LOG4J_PRIORITY,
        description: 'Log4j JNDI lookups (CVE-2021-44228, CVE-2021-45046): denied',
        action: 'deny(403)',
        preview: false,
        match: { expr: { expression: LOG4J_EXPRESSION } },
      },
      ...OWASP_RULE_SETS.map((ruleSet, i): ComputeSecurityPolicyRule => ({
        priority: OWASP_PRIORITY + i,
        description: `OWASP: ${ruleSet}${(props.owaspPreview ?? true) ? ' (preview: logged, not enforced)' : ''}`,
        action: 'deny(403)',
        preview: props.owaspPreview ?? true,
        match: { expr: { expression: `evaluatePreconfiguredWaf('${ruleSet}', {'sensitivity': 1})` } },
      })),
      {
        priority: THROTTLE_PRIORITY,
        description: `Throttle a client above ${rate.requests} requests per ${rate.intervalSeconds} s (key: ${rate.clientHeader})`,
        action: 'throttle',
        match: { versionedExpr: 'SRC_IPS_V1', config: { srcIpRanges: ['*'] } },
        rateLimitOptions: {
          conformAction: 'allow',
          exceedAction: 'deny(429)',
          enforceOnKey: 'HTTP_HEADER',
          enforceOnKeyName: rate.clientHeader,
          rateLimitThreshold: { count: rate.requests, intervalSec: rate.intervalSeconds },
        },
      },
      {
        priority: 2147483647,
        description: 'Default: allow',
        action: 'allow',
        match: { versionedExpr: 'SRC_IPS_V1', config: { srcIpRanges: ['*'] } },
      },
    ];
    this.securityPolicy = new ComputeSecurityPolicy(this, 'Armor', {
      name: name('edge-armor'),
      description: 'Edge rate limit and OWASP rules in front of the regional gateways',
      type: 'CLOUD_ARMOR',
      rule: rules,
    });

    // One backend service per gateway region: an internet NEG holding the region's gateway host, HTTPS.
    const backendServiceNames: Record<string, string> = {};
    const hostRules: { hosts: string[]; pathMatcher: string }[] = [];
    const pathMatchers: { name: string; defaultService: string }[] = [];
    for (const region of gatewayRegions(config)) {
      const host = gatewayHostOf(config, region.id);
      const neg = new ComputeGlobalNetworkEndpointGroup(this, `Neg-${region.id}`, {
        name: name(`${region.id}-gateway`),
        // Only the region id: a NEG cannot be changed in place, and a NEG in use cannot be deleted (a
        // location or host edit must not force a replacement that fails); the host is the endpoint's.
        description: `Gateway of ${region.id}`,
        networkEndpointType: 'INTERNET_FQDN_PORT',
        defaultPort: 443,
      });
      new ComputeGlobalNetworkEndpoint(this, `NegEndpoint-${region.id}`, {
        globalNetworkEndpointGroup: neg.name,
        fqdn: host,
        port: 443,
      });
      const backend = new ComputeBackendService(this, `Backend-${region.id}`, {
        name: name(`${region.id}-gateway`),
        description: `Gateway of ${region.id}, residency zone ${region.residencyZone}`,
        loadBalancingScheme: SCHEME,
        protocol: 'HTTPS',
        // The internet NEG's TLS connection and Host header name the gateway host (its certificate's name).
        customRequestHeaders: [`Host: ${host}`],
        timeoutSec: 60,
        securityPolicy: this.securityPolicy.id,
        logConfig: { enable: true, sampleRate: 1 },
        backend: [{ group: neg.id }],
      });
      backendServiceNames[region.id] = backend.name;
      hostRules.push({ hosts: [regionApiHostOf(config, region.id)], pathMatcher: region.id });
      pathMatchers.push({ name: region.id, defaultService: backend.id });
    }
    this.backendServiceNames = backendServiceNames;

    // The refusal: a backend service with no backends answers 503; the default route also aborts with 503.
    const refusal = new ComputeBackendService(this, 'Refusal', {
      name: name('refusal'),
      description: 'No backends: requests that name no region are refused (503), never sent to a foreign region',
      loadBalancingScheme: SCHEME,
      protocol: 'HTTPS',
      securityPolicy: this.securityPolicy.id,
      logConfig: { enable: true, sampleRate: 1 },
    });
    this.httpsUrlMap = new ComputeUrlMap(this, 'UrlMap', {
      name: name('api'),
      description: 'Region hosts to their region; anything else refused',
      defaultService: refusal.id,
      defaultRouteAction: { faultInjectionPolicy: { abort: { httpStatus: 503, percentage: 100 } } },
      hostRule: hostRules,
      pathMatcher: pathMatchers,
    });
    const httpsProxy = new ComputeTargetHttpsProxy(this, 'HttpsProxy', {
      name: name('api-https'),
      urlMap: this.httpsUrlMap.id,
      certificateMap: `//certificatemanager.googleapis.com/${certificateMap.id}`,
      sslPolicy: sslPolicy.id,
    });
    new ComputeGlobalForwardingRule(this, 'Https', {
      name: name('api-https'),
      ipAddress: this.address.id,
      ipProtocol: 'TCP',
      portRange: '443',
      loadBalancingScheme: SCHEME,
      target: httpsProxy.id,
    });

    // HTTP on port 80: redirected to HTTPS, never served.
    const redirect = new ComputeUrlMap(this, 'HttpRedirect', {
      name: name('api-http-redirect'),
      description: 'HTTP to HTTPS',
      defaultUrlRedirect: { httpsRedirect: true, stripQuery: false, redirectResponseCode: 'MOVED_PERMANENTLY_DEFAULT' },
    });
    const httpProxy = new ComputeTargetHttpProxy(this, 'HttpProxy', { name: name('api-http'), urlMap: redirect.id });
    new ComputeGlobalForwardingRule(this, 'Http', {
      name: name('api-http'),
      ipAddress: this.address.id,
      ipProtocol: 'TCP',
      portRange: '80',
      loadBalancingScheme: SCHEME,
      target: httpProxy.id,
    });
  }
}

function validateRateLimit(scope: Construct, r: EdgeRateLimit): Required<EdgeRateLimit> {
  const requests = r.requests ?? 600;
  const intervalSeconds = r.intervalSeconds ?? 60;
  const clientHeader = r.clientHeader ?? 'CF-Connecting-IP';
  if (!Token.isUnresolved(requests) && (!Number.isInteger(requests) || requests < 1 || requests > 1_000_000))
    propError(scope, 'rateLimit.requests', requests, 'an integer from 1 to 1000000');
  if (!Token.isUnresolved(intervalSeconds) && !(CLOUD_ARMOR_INTERVALS as readonly number[]).includes(intervalSeconds))
    propError(scope, 'rateLimit.intervalSeconds', intervalSeconds, CLOUD_ARMOR_INTERVALS.join(', '));
  if (!Token.isUnresolved(clientHeader) && (typeof clientHeader !== 'string' || !/^[A-Za-z0-9-]{1,64}$/.test(clientHeader)))
    propError(scope, 'rateLimit.clientHeader', clientHeader, 'an HTTP header name (letters, digits, "-")');
  return { requests, intervalSeconds, clientHeader };
}
