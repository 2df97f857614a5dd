import { DnsRecord } from '@cdktf/provider-cloudflare/lib/dns-record';
import { LoadBalancer } from '@cdktf/provider-cloudflare/lib/load-balancer';
import { LoadBalancerMonitor } from '@cdktf/provider-cloudflare/lib/load-balancer-monitor';
import { LoadBalancerPool } from '@cdktf/provider-cloudflare/lib/load-balancer-pool';
import { PageRule } from '@cdktf/provider-cloudflare/lib/page-rule';
import { Ruleset } from '@cdktf/provider-cloudflare/lib/ruleset';
import { Zone } from '@cdktf/provider-cloudflare/lib/zone';
import { ZoneSetting } from '@cdktf/provider-cloudflare/lib/zone-setting';
import { Fn, Token } from 'cdktf';
import { isIP } from 'node:net';
import { Construct } from 'constructs';
import type { RegionsConfig } from '../config/model';
import { assertEdgeResidency, countryRegionPlan, countryZones, type EdgeSteering } from './edge-residency';
import type { DnsRecordSpec, IGlobalIngress } from './global-ingress';
import { apiOriginHostOf, gatewayHostOf, gatewayRegions, refusalHostOf, regionApiHostOf } from './hostnames';
import { ORIGIN_AUTH_HEADER, originSecretOf } from './origin-auth';
import { claimAppUnique } from '../private/app-unique';
import { formatValue } from '../../runtime/problem';
import {
  assertValidatedConfig,
  checkText,
  CLOUDFLARE_ACCOUNT_ID,
  NON_EMPTY_TEXT,
  propError,
  checkRequiredProps,
  checkBoolean,
  requireLiteral,
} from '../private/prop-checks';
import { DNS_NAME } from '../limits';

/** What CdnZone needs from a region's public entry (RegionIngress in the continent stacks). */
export interface IRegionalEntry {
  /** The region the entry serves; CdnZone refuses an entry filed under another region's id (a residency hole). */
  readonly regionId: string;
  /** The host the entry's certificate names; CdnZone requires the config's gateway host of that region. */
  readonly gatewayHost: string;
  /** DNS name of the region's load balancer; the gateway host is a DNS-only CNAME to it. */
  readonly loadBalancerDnsName: string;
  /** ACM's DNS-validation record for the gateway host's certificate. */
  readonly certificateValidationRecord: DnsRecordSpec;
}

export interface CdnZoneProps {
  /** The validated platform config (domain, API host, CDN TTLs, health check, countries). */
  readonly config: RegionsConfig;
  /** The global ingress: its IP is the origin of every proxied name and pool; its DNS-authorization records are published here. */
  readonly ingress: IGlobalIngress;
  /** Cloudflare account id (may be a token, e.g. a Terraform variable). */
  readonly accountId: string;
  /** Use Cache Rules (ruleset phase `http_request_cache_settings`) instead of the legacy Page Rules. @default false (the design's page rules) */
  readonly cacheRules?: boolean;
  /** Each region's public entry, by region id: its gateway CNAME and certificate-validation record are published here. @default none */
  readonly regionalEntries?: Readonly<Record<string, IRegionalEntry>>;
  /**
   * Set the edge's origin secret ({@link ORIGIN_AUTH_HEADER}) on every request of the zone (a
   * late-transform ruleset) and on the monitor's probes: what GlobalIngress and RegionIngress
   * require. Must be a literal. @default true
   */
  readonly originAuthentication?: boolean;
  /** The origin secret (32-128 lower-case letters and digits, or a token). @default the stack's Terraform variable `edge_origin_secret` */
  readonly originSecret?: string;
}

/** Name of the refusal pool in {@link CdnZone.steering}. */
export const REFUSAL_POOL = 'refusal';

/**
 * The design's Cloudflare configuration (cdn-config.yaml) on provider v5: the zone and its settings,
 * the page rules (or equivalent cache rules), the origin rule, the API names pointing at the global
 * ingress, and a load balancer that steers each country to the pools of its residency zone only.
 *
 * Chain: Cloudflare load balancer (country → region pool) → pool origin = the global IP with the
 * Host `<region>.<apiHost>` → Google's URL map → that region's gateway. When every pool of a
 * country's zone is down, Cloudflare falls back to the refusal pool, whose Host no URL-map rule
 * names, so Google answers 503: a refusal, never another zone's region.
 */
export class CdnZone extends Construct {
  readonly zoneId: string;
  /** The load balancer's steering by name (regions / {@link REFUSAL_POOL}), checked at synth. */
  readonly steering: EdgeSteering;
  readonly loadBalancer: LoadBalancer;

  constructor(scope: Construct, id: string, props: CdnZoneProps) {
    super(scope, id);
    checkRequiredProps<CdnZoneProps>(this.node.path, props, {
      config: 'the validated config: validateRegionsConfig(...) (it fills in every section and default)',
      ingress: 'the GlobalIngress (or an IGlobalIngress) the zone fronts',
      accountId: 'a Cloudflare account id (32 lower-case hex digits), or a token',
    });
    checkBoolean(this, 'cacheRules', props.cacheRules);
    // Decides at synth between page rules and a cache ruleset: a variable would always read as true.
    requireLiteral(this, 'cacheRules', props.cacheRules, 'true or false', 'it chooses which resources are written');
    const { config, ingress, accountId } = props;
    assertValidatedConfig(this, config);
    checkGlobalIngress(this, ingress);
    checkText(this, 'accountId', accountId, CLOUDFLARE_ACCOUNT_ID);
    const { project, cdn, failover } = config;
    const apiHost = project.apiHost;

    // The zone, its settings, the API names and the load balancer belong to the zone name, which is
    // active in one Cloudflare account at most: a second CdnZone for it created the zone twice (or,
    // with cloudflareZoneId, fought the first over its settings and records). Any account collides.
    claimAppUnique(
      this,
      'CdnZone',
      [project.domain],
      `the Cloudflare zone ${formatValue(project.domain)} (zone, settings, API records, load balancer)`,
      'one CdnZone per zone name in an app',
    );
    this.zoneId =
      config.edge.cloudflareZoneId ?? new Zone(this, 'Zone', { account: { id: accountId }, name: project.domain, type: 'full' }).id;
    const zoneId = this.zoneId;

    // ---- zone settings (design: cdn-config.yaml settings; TLS settings are the issue's) ----
    const setting = (settingId: string, value: string | number) => {
      const s = new ZoneSetting(this, `Setting-${settingId}`, { zoneId, settingId, value: value as unknown as { [key: string]: unknown } });
      // Binding bug (@cdktf/provider-cloudflare 13.9.1, cloudflare_zone_setting.value): `value` is typed
      // as a map, so a number synthesizes as `{}` (hashMapper of a non-object). Write the value itself.
      s.addOverride('value', value);
      return s;
    };
    setting('cache_level', cdn.cacheLevel);
    setting('browser_cache_ttl', cdn.browserCacheTtlSeconds);
    setting('edge_cache_ttl', cdn.edgeCacheTtlSeconds);
    setting('always_online', cdn.alwaysOnline ? 'on' : 'off');
    setting('min_tls_version', '1.2');
    setting('always_use_https', 'on');
    setting('ssl', 'strict');

    // ---- caching: page rules (default, the design's) or cache rules ----
    const staticPrefix = cdn.staticPathPrefix;
    const apiPrefix = cdn.apiPathPrefix;
    if (props.cacheRules) {
      new Ruleset(this, 'CacheRules', {
        zoneId,
        kind: 'zone',
        phase: 'http_request_cache_settings',
        name: 'Cache rules',
        description: `Cache ${staticPrefix}* for ${cdn.staticEdgeCacheTtlSeconds} s at the edge; never cache ${apiPrefix}*`,
        rules: [
          {
            description: `${apiHost}${staticPrefix}*: cache everything, edge TTL ${cdn.staticEdgeCacheTtlSeconds} s`,
            expression: hostAndPrefix(apiHost, staticPrefix),
            action: 'set_cache_settings',
            actionParameters: { cache: true, edgeTtl: { mode: 'override_origin', default: cdn.staticEdgeCacheTtlSeconds } },
            enabled: true,
          },
          {
            description: `${apiHost}${apiPrefix}*: bypass cache`,
            expression: hostAndPrefix(apiHost, apiPrefix),
            action: 'set_cache_settings',
            actionParameters: { cache: false },
            enabled: true,
          },
        ],
      });
    } else {
      new PageRule(this, 'StaticPageRule', {
        zoneId,
        target: `${apiHost}${staticPrefix}*`,
        priority: 2,
        status: 'active',
        actions: { cacheLevel: 'cache_everything', edgeCacheTtl: cdn.staticEdgeCacheTtlSeconds },
      });
      new PageRule(this, 'ApiPageRule', {
        zoneId,
        target: `${apiHost}${apiPrefix}*`,
        priority: 1,
        status: 'active',
        actions: { cacheLevel: 'bypass' },
      });
    }

    // ---- origin authentication: the secret on every request that leaves the zone for the origin ----
    // ("set" replaces a value a client sent; late transform runs after the other rules, so it
    // holds for requests the origin rule rewrote too.)
    const originSecret = originSecretOf(this, props.originAuthentication, props.originSecret);
    if (originSecret !== undefined) {
      new Ruleset(this, 'OriginAuthentication', {
        zoneId,
        kind: 'zone',
        phase: 'http_request_late_transform',
        name: 'Origin authentication',
        description: `The edge's origin secret in ${ORIGIN_AUTH_HEADER}: Cloud Armor and the regional load balancers refuse requests without it`,
        rules: [
          {
            description: `Set ${ORIGIN_AUTH_HEADER}`,
            expression: 'true',
            action: 'rewrite',
            actionParameters: { headers: { [ORIGIN_AUTH_HEADER]: { operation: 'set', value: originSecret } } },
            enabled: true,
          },
        ],
      });
    }

    // ---- the design's origin rule: API paths to the gateway origin host ----
    const originHost = apiOriginHostOf(config);
    new Ruleset(this, 'OriginRules', {
      zoneId,
      kind: 'zone',
      phase: 'http_request_origin',
      name: 'Origin rules',
      description: `${apiPrefix}* to the gateway origin ${originHost}`,
      rules: [
        {
          description: `${apiHost}${apiPrefix}* → ${originHost}:443`,
          expression: hostAndPrefix(apiHost, apiPrefix),
          action: 'route',
          actionParameters: { origin: { host: originHost, port: 443 } },
          enabled: true,
        },
      ],
    });

    // ---- residency on the region hosts: <region>.<apiHost> answers only the countries of its zone ----
    // (api.<domain> is steered by the load balancer below; a region host names its region directly,
    // so a request from a country of another zone, or of no zone, is blocked at Cloudflare.)
    const zoneRules = config.residencyZones.flatMap((zone) => {
      const hosts = gatewayRegions(config)
        .filter((r) => r.residencyZone === zone.id)
        .map((r) => regionApiHostOf(config, r.id));
      const countries = config.regions.filter((r) => r.residencyZone === zone.id).flatMap((r) => r.countries);
      if (hosts.length === 0) return [];
      return [
        {
          description: `Region hosts of zone ${zone.id}: only its ${countries.length} countries`,
          expression: `(http.host in {${hosts.map((h) => `"${h}"`).join(' ')}} and not ip.src.country in {${[...countries]
            .sort()
            .map((c) => `"${c}"`)
            .join(' ')}})`,
          action: 'block',
          enabled: true,
        },
      ];
    });
    if (zoneRules.length)
      new Ruleset(this, 'ResidencyRules', {
        zoneId,
        kind: 'zone',
        phase: 'http_request_firewall_custom',
        name: 'Residency at the edge',
        description: 'A region host serves only the countries of its residency zone',
        rules: zoneRules,
      });

    // ---- DNS ----
    const proxiedA = (rid: string, name: string, comment: string) =>
      new DnsRecord(this, rid, { zoneId, name, type: 'A', content: ingress.ipAddress, proxied: true, ttl: 1, comment });
    proxiedA('ApiRecord', apiHost, 'API host: the global ingress (the load balancer of the same name takes precedence)');
    proxiedA('ApiWildcardRecord', `*.${apiHost}`, 'Region hosts <region>.api: the global ingress routes each to its region');
    proxiedA('OriginRecord', originHost, 'Origin of the design origin rule: the global ingress');
    ingress.dnsAuthorizationRecords.forEach(
      (r, i) =>
        new DnsRecord(this, `DnsAuthorization${i}`, {
          zoneId,
          name: Fn.trimsuffix(r.name, '.'),
          type: r.type,
          content: r.value,
          proxied: false,
          ttl: 300,
          comment: 'Google Certificate Manager DNS authorization of the API certificate',
        }),
    );
    const gatewayIds = gatewayRegions(config).map((r) => r.id);
    const entries = props.regionalEntries ?? {};
    if (entries === null || typeof entries !== 'object' || Array.isArray(entries) || Token.isUnresolved(entries))
      propError(
        this,
        'regionalEntries',
        entries,
        'an object of RegionIngress (IRegionalEntry) by region id, such as { "eu-west-1": ingress }',
      );
    for (const [regionId, entry] of Object.entries(entries)) {
      // A name for a region the config runs no gateway in would point the edge at nothing it routes to.
      if (!gatewayIds.includes(regionId))
        propError(this, `regionalEntries.${regionId}`, regionId, `a region of the config that runs the gateway: ${gatewayIds.join(', ')}`);
      checkRegionalEntry(this, config, regionId, entry);
      new DnsRecord(this, `Gateway-${regionId}`, {
        zoneId,
        name: gatewayHostOf(config, regionId),
        type: 'CNAME',
        content: entry.loadBalancerDnsName,
        proxied: false,
        ttl: 300,
        comment: `Gateway of ${regionId}: its load balancer (DNS only; reached by the global ingress)`,
      });
      const v = entry.certificateValidationRecord;
      new DnsRecord(this, `GatewayCertificateValidation-${regionId}`, {
        zoneId,
        name: Fn.trimsuffix(v.name, '.'),
        type: v.type,
        content: Fn.trimsuffix(v.value, '.'),
        proxied: false,
        ttl: 300,
        comment: `ACM DNS validation of the ${regionId} gateway certificate`,
      });
    }

    // ---- load balancing: monitor, a pool per gateway region, the refusal pool, country steering ----
    // The monitor reaches a gateway's traffic port (Cloudflare → Google → the region's ALB): the gateway
    // answers hc.path there itself, with its readiness, reading the path from the routing table.
    const hc = failover.healthCheck;
    const monitor = new LoadBalancerMonitor(this, 'Monitor', {
      accountId,
      description: `${project.name} gateway health (design: ${hc.path}, every ${hc.intervalSeconds} s)`,
      type: 'https',
      method: 'GET',
      path: hc.path,
      port: 443,
      expectedCodes: '200',
      interval: hc.intervalSeconds,
      timeout: hc.timeoutSeconds,
      retries: hc.retries,
      consecutiveDown: failover.failureThresholds.serviceUnavailable,
      consecutiveUp: failover.recoveryThresholds.consecutiveSuccess,
      followRedirects: false,
      allowInsecure: false,
      // The probes do not pass the zone's rulesets: they carry the secret themselves.
      header: originSecret === undefined ? undefined : { [ORIGIN_AUTH_HEADER]: [originSecret] },
    });
    const poolIds = new Map<string, string>();
    for (const region of gatewayRegions(config)) {
      const pool = new LoadBalancerPool(this, `Pool-${region.id}`, {
        accountId,
        name: `${project.name}-${region.id}`,
        description: `${region.location}, residency zone ${region.residencyZone}: the global ingress with Host ${regionApiHostOf(config, region.id)}`,
        monitor: monitor.id,
        minimumOrigins: 1,
        origins: [
          {
            name: region.id,
            address: ingress.ipAddress,
            port: 443,
            enabled: true,
            weight: 1,
            header: { host: [regionApiHostOf(config, region.id)] },
          },
        ],
      });
      poolIds.set(region.id, pool.id);
    }
    // No monitor: a pool without one counts as healthy, so the fallback always answers (with 503).
    const refusal = new LoadBalancerPool(this, 'RefusalPool', {
      accountId,
      name: `${project.name}-refusal`,
      description: 'Fallback and default pool: the global ingress refuses its Host (503); reaches no region',
      minimumOrigins: 1,
      origins: [
        { name: REFUSAL_POOL, address: ingress.ipAddress, port: 443, enabled: true, weight: 1, header: { host: [refusalHostOf(config)] } },
      ],
    });
    poolIds.set(REFUSAL_POOL, refusal.id);

    const zones = countryZones(config);
    const plan = countryRegionPlan(config);
    const countryPools: Record<string, string[]> = {};
    for (const [country, regions] of Object.entries(plan)) countryPools[country] = regions.length ? regions : [REFUSAL_POOL];
    this.steering = {
      countryZones: zones,
      pools: [...gatewayRegions(config).map((r) => ({ name: r.id, region: r.id, residencyZone: r.residencyZone })), { name: REFUSAL_POOL }],
      countryPools,
      defaultPools: [REFUSAL_POOL],
      fallbackPool: REFUSAL_POOL,
    };
    // Residency at the edge: fails synth if any country could reach a pool of another zone.
    assertEdgeResidency(this.steering);

    const idOf = (name: string) => {
      const poolId = poolIds.get(name);
      if (poolId === undefined) throw new Error(`CdnZone: pool "${name}" does not exist; allowed: ${[...poolIds.keys()].join(', ')}`);
      return poolId;
    };
    this.loadBalancer = new LoadBalancer(this, 'LoadBalancer', {
      zoneId,
      name: apiHost,
      description: 'Country steering inside each residency zone; refusal when a zone is down',
      proxied: true,
      steeringPolicy: 'geo',
      sessionAffinity: 'none',
      adaptiveRouting: { failoverAcrossPools: false },
      countryPools: Object.fromEntries(Object.entries(countryPools).map(([c, names]) => [c, names.map(idOf)])),
      defaultPools: [refusal.id],
      fallbackPool: refusal.id,
    });
  }
}

/** Ruleset expression: the host and a path prefix (`starts_with`, available on every plan). */
function hostAndPrefix(host: string, prefix: string): string {
  return `(http.host eq "${host}" and starts_with(http.request.uri.path, "${prefix}"))`;
}

const ENTRY_ALLOWED =
  'a RegionIngress of the region (an IRegionalEntry: regionId, gatewayHost, loadBalancerDnsName, certificateValidationRecord)';

/**
 * Refuses a regional entry that is not the public entry of the region it is filed under: an entry
 * of us-east-1 under "eu-west-1" (or a us-east-1 ingress given eu-west-1's host) pointed the EU
 * gateway host at a US load balancer, so the edge sent EMEA users' data to the NA zone.
 */
function checkRegionalEntry(scope: Construct, config: RegionsConfig, regionId: string, entry: unknown): void {
  const field = `regionalEntries.${regionId}`;
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) propError(scope, field, entry, ENTRY_ALLOWED);
  const e = entry as Partial<Record<keyof IRegionalEntry, unknown>>;
  if (typeof e.regionId !== 'string' || (!Token.isUnresolved(e.regionId) && e.regionId !== regionId)) {
    const zoneOf = (id: unknown) => config.regions.find((r) => r.id === id)?.residencyZone;
    const theirs = zoneOf(e.regionId);
    propError(
      scope,
      `${field}.regionId`,
      e.regionId,
      `"${regionId}": the entry of region ${regionId} (residency zone ${zoneOf(regionId)}); this one serves ${typeof e.regionId === 'string' ? `${e.regionId}${theirs ? ` (zone ${theirs})` : ''}` : 'no region'}, and ${regionId}'s gateway host would point at it`,
    );
  }
  const host = gatewayHostOf(config, regionId);
  if (typeof e.gatewayHost !== 'string' || (!Token.isUnresolved(e.gatewayHost) && e.gatewayHost !== host))
    propError(
      scope,
      `${field}.gatewayHost`,
      e.gatewayHost,
      `"${host}", the config's gateway host of ${regionId} (edge.gatewayHosts, or <region>.gateway.<domain>): the entry's certificate must name the host published for it`,
    );
  // AWS keeps the load balancer's name in its case ("myLB-1234567890.us-east-1.elb.amazonaws.com").
  checkText(scope, `${field}.loadBalancerDnsName`, e.loadBalancerDnsName, {
    pattern: new RegExp(DNS_NAME.pattern.source, 'i'),
    allowed: `the DNS name of ${regionId}'s load balancer (labels of letters, digits and "-", not starting or ending with "-", at most 63 characters each), or a token`,
  });
  checkDnsRecord(
    scope,
    `${field}.certificateValidationRecord`,
    e.certificateValidationRecord,
    "ACM's DNS-validation record of the gateway certificate: { name, type, value }",
  );
}

/** Refuses an ingress that is not an IGlobalIngress, and a literal address that is not an IP address. */
function checkGlobalIngress(scope: Construct, ingress: unknown): void {
  const g = ingress as Partial<Record<keyof IGlobalIngress, unknown>>;
  const allowed = 'the GlobalIngress (or an IGlobalIngress: ipAddress, dnsAuthorizationRecords, certificateMapId, backendServiceNames)';
  if (g === null || typeof g !== 'object' || Array.isArray(g)) propError(scope, 'ingress', ingress, allowed);
  if (typeof g.ipAddress !== 'string' || (!Token.isUnresolved(g.ipAddress) && isIP(g.ipAddress) === 0))
    propError(scope, 'ingress.ipAddress', g.ipAddress, 'an IPv4 or IPv6 address (the global anycast address), or a token');
  if (!Array.isArray(g.dnsAuthorizationRecords))
    propError(
      scope,
      'ingress.dnsAuthorizationRecords',
      g.dnsAuthorizationRecords,
      'a list of DNS records { name, type, value } (may be empty)',
    );
  g.dnsAuthorizationRecords.forEach((r: unknown, i: number) =>
    checkDnsRecord(scope, `ingress.dnsAuthorizationRecords[${i}]`, r, 'a DNS record { name, type, value }'),
  );
}

/** Refuses a DNS record spec that is not an object of non-empty `name`, `type` and `value` (each may be a token). */
function checkDnsRecord(scope: Construct, field: string, record: unknown, allowed: string): void {
  const r = record as Partial<Record<keyof DnsRecordSpec, unknown>> | null | undefined;
  if (r === null || typeof r !== 'object' || Array.isArray(r)) propError(scope, field, record, allowed);
  for (const part of ['name', 'type', 'value'] as const) checkText(scope, `${field}.${part}`, r[part], NON_EMPTY_TEXT);
}
