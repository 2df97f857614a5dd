import fc from 'fast-check';
import { LoadBalancer } from '@cdktf/provider-cloudflare/lib/load-balancer';
import { validateRegionsConfig, type RegionsConfig } from '../../lib/config';
import { EdgeResidencyError, edgeResidencyProblems, type EdgeSteering } from '../../lib/edge/edge-residency';
import { gatewayRegions, refusalHostOf, regionApiHostOf } from '../../lib/edge/hostnames';
import { TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { RegionIngress } from '../../lib/edge/region-ingress';
import { Region } from '../../lib/region';
import { GlobalStack } from '../../stacks/global-stack';
import { CdnZone } from '../../lib/edge/cdn-zone';
import { GlobalIngress } from '../../lib/edge/global-ingress';
import config from '../../regions.config';
import { refTo, resourceNamed, synthGlobal, type Tf } from '../helpers/edge';
import { resourcesOf, specOf, validConfig } from '../helpers/platform';

const { tf, json } = synthGlobal();
const ZONE = '${cloudflare_zone.Cdn_Zone_A2EE1783.id}';
const gateways = gatewayRegions(validConfig);
const zoneOfRegion = new Map(validConfig.regions.map((r) => [r.id, r.residencyZone]));
const zoneOfCountry = new Map(validConfig.regions.flatMap((r) => r.countries.map((c) => [c, r.residencyZone] as const)));

/**
 * The load balancer's steering read back from the synthesized JSON alone: each pool id reference
 * is resolved to its pool resource, and the pool to the region its origin's Host header names.
 */
function steeringFromJson(out: Tf, cfg: RegionsConfig): EdgeSteering {
  const regionOfHost = new Map(gatewayRegions(cfg).map((r) => [regionApiHostOf(cfg, r.id), r.id]));
  const pools = Object.entries(out.resource.cloudflare_load_balancer_pool as Record<string, Tf>).map(([key, pool]) => {
    const hosts: string[] = pool.origins.flatMap((o: Tf) => o.header?.host ?? []);
    const regions = [...new Set(hosts.map((h) => regionOfHost.get(h)))];
    expect(regions).toHaveLength(1); // one region per pool
    const region = regions[0];
    if (region === undefined) expect(hosts).toEqual([refusalHostOf(cfg)]);
    return { name: refTo('cloudflare_load_balancer_pool', key), region, residencyZone: region && zoneOfRegion.get(region) };
  });
  const lb = Object.values(out.resource.cloudflare_load_balancer as Record<string, Tf>)[0];
  const other = ['region_pools', 'pop_pools', 'rules', 'random_steering', 'location_strategy'].filter((k) => lb[k] !== undefined);
  return {
    countryZones: Object.fromEntries(zoneOfCountry),
    pools,
    countryPools: lb.country_pools,
    defaultPools: lb.default_pools,
    fallbackPool: lb.fallback_pool,
    otherSteering: other,
  };
}

/**
 * A model of how Cloudflare picks a pool with geo steering (Cloudflare's load-balancing docs, not
 * re-verified online): the country's pools in order, else the default pools in order, else the
 * fallback pool; the first healthy one wins, and the fallback is used even when unhealthy.
 */
function pickPool(s: EdgeSteering, country: string, healthy: (pool: string) => boolean): string {
  const listed = s.countryPools[country] ?? [];
  for (const pool of [...listed, ...s.defaultPools]) if (healthy(pool)) return pool;
  return s.fallbackPool;
}

describe('CdnZone (Cloudflare, provider v5)', () => {
  it('creates the zone and the design settings, each with the right value and JSON type', () => {
    expect(resourceNamed(tf, 'cloudflare_zone', 'Zone')).toMatchObject({
      name: 'taishanglaojun.com',
      type: 'full',
      account: { id: '${var.cloudflare_account_id}' },
    });
    const settings: Record<string, Tf> = Object.fromEntries(resourcesOf(tf, 'cloudflare_zone_setting').map((s) => [s.setting_id, s]));
    expect(Object.fromEntries(Object.entries(settings).map(([k, s]) => [k, s.value]))).toStrictEqual({
      cache_level: 'aggressive',
      browser_cache_ttl: 31536000, // a number, not {} (binding bug worked around)
      edge_cache_ttl: 604800, // cdn.edgeCacheTtlSeconds (the design's 2592000 is above the setting's longest)
      always_online: 'on',
      min_tls_version: '1.2',
      always_use_https: 'on',
      ssl: 'strict',
    });
    expect(typeof settings.browser_cache_ttl.value).toBe('number');
    expect(typeof settings.edge_cache_ttl.value).toBe('number');
    for (const s of Object.values(settings)) expect(s.zone_id).toBe(ZONE);
  });

  it('writes the design page rules by default: static cached everywhere for 86400 s, API bypassed', () => {
    const rules = Object.fromEntries(resourcesOf(tf, 'cloudflare_page_rule').map((r) => [r.target, r]));
    expect(rules['api.taishanglaojun.com/static/*'].actions).toStrictEqual({ cache_level: 'cache_everything', edge_cache_ttl: 86400 });
    expect(rules['api.taishanglaojun.com/api/*'].actions).toStrictEqual({ cache_level: 'bypass' });
    for (const r of Object.values(rules)) expect(r).toMatchObject({ status: 'active', zone_id: ZONE });
    expect(
      resourcesOf(tf, 'cloudflare_ruleset')
        .map((r) => r.phase)
        .sort(),
    ).toEqual(['http_request_firewall_custom', 'http_request_late_transform', 'http_request_origin']); // late transform: the origin secret
  });

  it('writes the equivalent cache rules instead when asked', () => {
    const out = synthGlobal({ cacheRules: true }).tf;
    expect(resourcesOf(out, 'cloudflare_page_rule')).toHaveLength(0);
    const cache = resourcesOf(out, 'cloudflare_ruleset').find((r) => r.phase === 'http_request_cache_settings');
    expect(cache).toMatchObject({ kind: 'zone', zone_id: ZONE });
    expect(cache.rules).toEqual([
      expect.objectContaining({
        expression: '(http.host eq "api.taishanglaojun.com" and starts_with(http.request.uri.path, "/static/"))',
        action: 'set_cache_settings',
        action_parameters: { cache: true, edge_ttl: { mode: 'override_origin', default: 86400 } },
      }),
      expect.objectContaining({
        expression: '(http.host eq "api.taishanglaojun.com" and starts_with(http.request.uri.path, "/api/"))',
        action: 'set_cache_settings',
        action_parameters: { cache: false },
      }),
    ]);
  });

  it('routes /api/* to the gateway origin host with the design origin rule', () => {
    const origin = resourcesOf(tf, 'cloudflare_ruleset').find((r) => r.phase === 'http_request_origin');
    expect(origin.rules).toEqual([
      expect.objectContaining({
        expression: '(http.host eq "api.taishanglaojun.com" and starts_with(http.request.uri.path, "/api/"))',
        action: 'route',
        action_parameters: { origin: { host: 'origin.api.taishanglaojun.com', port: 443 } },
      }),
    ]);
  });

  it('points the API name, its wildcard and the origin host, proxied, at the global IP; publishes the DNS authorization', () => {
    const records = Object.fromEntries(resourcesOf(tf, 'cloudflare_dns_record').map((r) => [r.name, r]));
    for (const name of ['api.taishanglaojun.com', '*.api.taishanglaojun.com', 'origin.api.taishanglaojun.com'])
      expect(records[name]).toMatchObject({
        type: 'A',
        proxied: true,
        ttl: 1,
        content: '${google_compute_global_address.GlobalIp.address}',
      });
    const auth = resourcesOf(tf, 'cloudflare_dns_record').find((r) => String(r.name).includes('dns_resource_record'));
    expect(auth.name).toMatch(
      /^\$\{trimsuffix\(google_certificate_manager_dns_authorization\.\w+\.dns_resource_record\[0\]\.name, "\."\)\}$/,
    );
    expect(auth.content).toMatch(/dns_resource_record\[0\]\.data\}$/);
    expect(auth).toMatchObject({ proxied: false });
  });

  it('monitors every pool with the design health check from the config', () => {
    const monitor = resourceNamed(tf, 'cloudflare_load_balancer_monitor', 'Monitor');
    expect(monitor).toMatchObject({
      type: 'https',
      method: 'GET',
      path: '/health',
      expected_codes: '200',
      interval: 30,
      timeout: 10,
      retries: 3,
      port: 443,
      allow_insecure: false,
      follow_redirects: false,
    });
    for (const id of gateways.map((r) => r.id)) {
      const pool = resourceNamed(tf, 'cloudflare_load_balancer_pool', `Pool-${id}_`);
      expect(pool.monitor).toMatch(/^\$\{cloudflare_load_balancer_monitor\.\w+\.id\}$/);
      expect(pool.origins).toEqual([
        {
          name: id,
          address: '${google_compute_global_address.GlobalIp.address}',
          port: 443,
          enabled: true,
          weight: 1,
          header: { host: [regionApiHostOf(validConfig, id)] },
        },
      ]);
    }
    // The refusal pool has no monitor, so it always counts as healthy and always answers (with 503).
    expect(resourceNamed(tf, 'cloudflare_load_balancer_pool', 'RefusalPool').monitor).toBeUndefined();
  });

  it("steers by country to the pools of the country's own zone, own region first, refusal as default and fallback", () => {
    expect(json).toHaveResourceWithProperties(LoadBalancer, { steering_policy: 'geo', proxied: true, name: 'api.taishanglaojun.com' });
    const s = steeringFromJson(tf, validConfig);
    expect(edgeResidencyProblems(s)).toEqual([]);
    const regionOfPool = new Map(s.pools.map((p) => [p.name, p.region]));
    const countryPool = (c: string) => s.countryPools[c].map((p) => regionOfPool.get(p));
    expect(countryPool('DE')).toEqual(['eu-central-1', 'eu-west-1', 'eu-west-2']);
    expect(countryPool('JP')).toEqual(['ap-northeast-1', 'ap-east-1', 'ap-southeast-1', 'ap-south-1']);
    expect(countryPool('US')).toEqual(['us-east-1', 'us-west-2', 'ca-central-1']);
    expect(Object.keys(s.countryPools)).toHaveLength(240);
    const refusal = s.pools.find((p) => p.region === undefined)!.name;
    expect(s.defaultPools).toEqual([refusal]);
    expect(s.fallbackPool).toBe(refusal);
    expect(Object.values(tf.resource.cloudflare_load_balancer)[0]).toMatchObject({
      adaptive_routing: { failover_across_pools: false },
      session_affinity: 'none',
    });
  });

  it('can never select a pool of another zone, whatever pools are down (model of Cloudflare geo steering)', () => {
    const s = steeringFromJson(tf, validConfig);
    const countries = [...Object.keys(s.countryPools), 'RU', 'AQ', 'XX', 'T1']; // mapped, unmapped on purpose, unknown
    const poolNames = s.pools.map((p) => p.name);
    const zoneOfPool = new Map(s.pools.map((p) => [p.name, p.residencyZone]));
    fc.assert(
      fc.property(
        fc.constantFrom(...countries),
        fc.array(fc.boolean(), { minLength: poolNames.length, maxLength: poolNames.length }),
        (country, health) => {
          const healthy = (pool: string) => zoneOfPool.get(pool) === undefined || health[poolNames.indexOf(pool)];
          const chosen = pickPool(s, country, healthy);
          const zone = zoneOfPool.get(chosen);
          // Either the refusal pool or a pool of the country's own zone; never another zone.
          return zone === undefined || zone === zoneOfCountry.get(country);
        },
      ),
      { numRuns: 2000 },
    );
    // With every pool of EMEA down, a German user is refused rather than sent elsewhere.
    const emeaDown = (pool: string) => zoneOfPool.get(pool) !== 'emea';
    expect(zoneOfPool.get(pickPool(s, 'DE', emeaDown))).toBeUndefined();
  });

  it('fails synth naming country, pool and zones when the steering could cross zones', () => {
    // Bypass config validation (which rejects the same thing) to reach the construct's own check.
    const bad = { ...validConfig, edge: { ...validConfig.edge, countryPools: { KR: ['ap-northeast-1', 'eu-west-1'] } } };
    let error: unknown;
    try {
      synthGlobal({}, bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EdgeResidencyError);
    expect((error as Error).message).toContain('country KR (zone "apac") is steered to pool "eu-west-1" (eu-west-1, zone "emea")');
    // and through validation, as a config problem with its path
    const raw = structuredClone(config) as Record<string, unknown>;
    raw.edge = { countryPools: { KR: ['ap-northeast-1', 'eu-west-1'] } };
    expect(() => validateRegionsConfig(raw)).toThrow(
      /edge\.countryPools\.KR\[1\]: "eu-west-1" is the pool of residency zone "emea", but country KR belongs to zone "apac"/,
    );
  });

  it('blocks a region host for every country outside its residency zone (custom firewall rules)', () => {
    const ruleset = resourcesOf(tf, 'cloudflare_ruleset').find((r) => r.phase === 'http_request_firewall_custom');
    expect(ruleset).toMatchObject({ kind: 'zone', zone_id: ZONE });
    expect(ruleset.rules).toHaveLength(validConfig.residencyZones.length);
    for (const zone of validConfig.residencyZones) {
      const hosts = gateways.filter((r) => r.residencyZone === zone.id).map((r) => regionApiHostOf(validConfig, r.id));
      const rule = ruleset.rules.find((r: Tf) => hosts.every((h) => String(r.expression).includes(`"${h}"`)));
      expect(rule.action).toBe('block');
      const m = /^\(http\.host in \{([^}]*)\} and not ip\.src\.country in \{([^}]*)\}\)$/.exec(rule.expression)!;
      expect(
        m[1]
          .split(' ')
          .map((h) => JSON.parse(h))
          .sort(),
      ).toEqual([...hosts].sort());
      const allowed = m[2].split(' ').map((c) => JSON.parse(c) as string);
      expect(allowed.sort()).toEqual(
        [...zoneOfCountry]
          .filter(([, z]) => z === zone.id)
          .map(([c]) => c)
          .sort(),
      );
      expect(rule.expression.length).toBeLessThan(4096); // Cloudflare's expression length limit
    }
  });

  it('uses an existing zone id from the config instead of creating the zone, and the account id from the config', () => {
    const cfg = validateRegionsConfig({
      ...structuredClone(config),
      edge: { cloudflareZoneId: '0123456789abcdef0123456789abcdef', cloudflareAccountId: 'fedcba9876543210fedcba9876543210' },
    });
    const out = synthGlobal({}, cfg).tf;
    expect(out.resource.cloudflare_zone).toBeUndefined();
    expect(out.variable?.cloudflare_account_id).toBeUndefined();
    for (const s of resourcesOf(out, 'cloudflare_zone_setting')) expect(s.zone_id).toBe('0123456789abcdef0123456789abcdef');
    expect(resourceNamed(out, 'cloudflare_load_balancer_monitor', 'Monitor').account_id).toBe('fedcba9876543210fedcba9876543210');
  });

  it('takes the account id from a validated Terraform variable otherwise', () => {
    expect(tf.variable.cloudflare_account_id.validation[0].condition).toContain('regex("^[0-9a-f]{32}$", var.cloudflare_account_id)');
    expect(tf.variable.cloudflare_account_id.default).toBeUndefined();
  });

  it('publishes each region gateway CNAME and its certificate-validation record, DNS only', () => {
    const out = synthGlobal({
      regionalEntries: {
        'eu-west-1': {
          regionId: 'eu-west-1',
          gatewayHost: 'eu-west-1.gateway.taishanglaojun.com',
          loadBalancerDnsName: 'gw-123.eu-west-1.elb.amazonaws.com',
          certificateValidationRecord: {
            name: '_abc.eu-west-1.gateway.taishanglaojun.com.',
            type: 'CNAME',
            value: '_xyz.acm-validations.aws.',
          },
        },
      },
    }).tf;
    const records = Object.fromEntries(resourcesOf(out, 'cloudflare_dns_record').map((r) => [r.name, r]));
    expect(records['eu-west-1.gateway.taishanglaojun.com']).toMatchObject({
      type: 'CNAME',
      content: 'gw-123.eu-west-1.elb.amazonaws.com',
      proxied: false,
    });
    const validation = resourcesOf(out, 'cloudflare_dns_record').find((r) => String(r.name).includes('_abc'));
    expect(validation).toMatchObject({
      type: 'CNAME',
      proxied: false,
      name: '${trimsuffix("_abc.eu-west-1.gateway.taishanglaojun.com.", ".")}',
    });
  });

  it('refuses an entry for a region that runs no gateway in the config, naming the allowed ones', () => {
    const entry = {
      regionId: 'eu-north-1',
      gatewayHost: 'eu-north-1.gateway.taishanglaojun.com',
      loadBalancerDnsName: 'x.elb.amazonaws.com',
      certificateValidationRecord: { name: '_a.', type: 'CNAME', value: '_b.' },
    };
    expect(() => synthGlobal({ regionalEntries: { 'eu-north-1': entry } })).toThrow(
      /Cdn: regionalEntries.eu-north-1 "eu-north-1" is not allowed; allowed: a region of the config that runs the gateway: ap-east-1, /,
    );
  });
});

describe('CdnZone props', () => {
  const entryOf = (regionId: string, extra: object = {}) => ({
    regionId,
    gatewayHost: `${regionId}.gateway.taishanglaojun.com`,
    loadBalancerDnsName: `gw.${regionId}.elb.amazonaws.com`,
    certificateValidationRecord: { name: `_a.${regionId}.gateway.taishanglaojun.com.`, type: 'CNAME', value: '_b.acm-validations.aws.' },
    ...extra,
  });
  const cdnWith = (props: Record<string, unknown>) => () => {
    const stack = new TerraformStack(Testing.app(), 't');
    const ingress = new GlobalIngress(stack, 'Ingress', { config: validConfig });
    new CdnZone(stack, 'Cdn', { config: validConfig, ingress, accountId: '0123456789abcdef0123456789abcdef', ...props } as never);
  };

  // Found by QA: the us-east-1 entry filed under eu-west-1 published eu-west-1's gateway host as a
  // CNAME to the US load balancer, so the edge carried EMEA users to the NA zone. Synth passed.
  it('refuses an entry of another region filed under a region id, naming both regions and zones', () => {
    expect(() => synthGlobal({ regionalEntries: { 'eu-west-1': entryOf('us-east-1') } })).toThrow(
      /Cdn: regionalEntries.eu-west-1.regionId "us-east-1" is not allowed; allowed: "eu-west-1": the entry of region eu-west-1 \(residency zone emea\); this one serves us-east-1 \(zone na\)/,
    );
  });

  it("refuses an entry whose certificate names a host other than the config's gateway host of its region", () => {
    expect(() =>
      synthGlobal({ regionalEntries: { 'eu-west-1': entryOf('eu-west-1', { gatewayHost: 'us-east-1.gateway.taishanglaojun.com' }) } }),
    ).toThrow(
      /regionalEntries.eu-west-1.gatewayHost "us-east-1.gateway.taishanglaojun.com" is not allowed; allowed: "eu-west-1.gateway.taishanglaojun.com", the config's gateway host of eu-west-1/,
    );
  });

  it("refuses a real RegionIngress of us-east-1 filed under eu-west-1 (the platform passes each ingress's own region)", () => {
    const app = Testing.app();
    const na = new TerraformStack(app, 'na');
    const us = new Region(na, 'us-east-1', { spec: specOf('us-east-1'), projectName: 'taishanglaojun', accountId: '111122223333' });
    const usIngress = new RegionIngress(us, 'Ingress', {
      region: us,
      projectName: 'taishanglaojun',
      accountId: '111122223333',
      gatewayHost: 'us-east-1.gateway.taishanglaojun.com',
    });
    expect(() => new GlobalStack(app, 'global', { config: validConfig, regionalEntries: { 'eu-west-1': usIngress } })).toThrow(
      /regionalEntries.eu-west-1.regionId "us-east-1" is not allowed/,
    );
    // Filed under its own id, it is taken.
    expect(() => new GlobalStack(app, 'global2', { config: validConfig, regionalEntries: { 'us-east-1': usIngress } })).not.toThrow();
  });

  it('takes a load balancer\'s DNS name in the case AWS gives it (found by QA: "myLB-…" was refused)', () => {
    const out = synthGlobal({
      regionalEntries: { 'eu-west-1': entryOf('eu-west-1', { loadBalancerDnsName: 'MyGateway-1234567890.eu-west-1.elb.amazonaws.com' }) },
    }).tf;
    expect(resourcesOf(out, 'cloudflare_dns_record').find((r) => r.name === 'eu-west-1.gateway.taishanglaojun.com')?.content).toBe(
      'MyGateway-1234567890.eu-west-1.elb.amazonaws.com',
    );
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      'an ingress without an address (a TypeError before)',
      { ingress: {} },
      /t\/Cdn: ingress.ipAddress undefined is not allowed; allowed: an IPv4 or IPv6 address/,
    ],
    [
      'an ingress address that is no IP address (written into three A records before)',
      { ingress: { ipAddress: 'not-an-ip', dnsAuthorizationRecords: [], certificateMapId: 'm', backendServiceNames: {} } },
      /ingress.ipAddress "not-an-ip" is not allowed; allowed: an IPv4 or IPv6 address/,
    ],
    [
      'a null entry (a TypeError before)',
      { regionalEntries: { 'eu-west-1': null } },
      /regionalEntries.eu-west-1 null is not allowed; allowed: a RegionIngress of the region/,
    ],
    [
      'an entry without its validation record (a TypeError before)',
      { regionalEntries: { 'eu-west-1': entryOf('eu-west-1', { certificateValidationRecord: undefined }) } },
      /regionalEntries.eu-west-1.certificateValidationRecord undefined is not allowed; allowed: ACM's DNS-validation record/,
    ],
    [
      'an empty load-balancer name (a CNAME to "" before)',
      { regionalEntries: { 'eu-west-1': entryOf('eu-west-1', { loadBalancerDnsName: '' }) } },
      /regionalEntries.eu-west-1.loadBalancerDnsName "" is not allowed; allowed: the DNS name of eu-west-1's load balancer/,
    ],
    [
      'entries given as a list',
      { regionalEntries: [entryOf('eu-west-1')] },
      /t\/Cdn: regionalEntries \[.*\(1 items\) is not allowed; allowed: an object of RegionIngress \(IRegionalEntry\) by region id/,
    ],
  ])('refuses %s, naming the field', (_what, props, message) => {
    expect(cdnWith(props)).toThrow(message);
  });

  it('refuses a token cacheRules (it chooses page rules or a cache ruleset at synth: a variable always read as true)', () => {
    const stack = new TerraformStack(Testing.app(), 't');
    const ingress = new GlobalIngress(stack, 'Ingress', { config: validConfig });
    const flag = new TerraformVariable(stack, 'cache_rules', { type: 'bool' });
    expect(
      () =>
        new CdnZone(stack, 'Cdn', {
          config: validConfig,
          ingress,
          accountId: '0123456789abcdef0123456789abcdef',
          cacheRules: flag.booleanValue as unknown as boolean,
        }),
    ).toThrow(/t\/Cdn: cacheRules is a token; allowed: true or false \(it chooses which resources are written\)/);
  });

  it('refuses a Cloudflare account id that is not 32 hex digits (before: written to the zone, pools and monitor)', () => {
    for (const accountId of ['xyz', '111122223333']) {
      const stack = new TerraformStack(Testing.app(), 't');
      const ingress = new GlobalIngress(stack, 'Ingress', { config: validConfig });
      expect(() => new CdnZone(stack, 'Cdn', { config: validConfig, ingress, accountId })).toThrow(
        new RegExp(
          `t/Cdn: accountId "${accountId}" is not allowed; allowed: a Cloudflare account id \\(32 lower-case hex digits\\), or a token`,
        ),
      );
    }
  });
});
