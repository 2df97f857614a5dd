import { Testing, TerraformStack, TerraformVariable } from 'cdktf';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { ComputeSecurityPolicy } from '@cdktf/provider-google/lib/compute-security-policy';
import { GlobalIngress, LOG4J_EXPRESSION, OWASP_RULE_SETS } from '../../lib/edge/global-ingress';
import { gatewayHostOf, gatewayRegions, regionApiHostOf } from '../../lib/edge/hostnames';
import { refTo, resourceNamed, synthGlobal, type Tf } from '../helpers/edge';
import config from '../../regions.config';
import { validateRegionsConfig } from '../../lib/config';
import { formatValue } from '../../runtime/problem';
import { resourcesOf, validConfig } from '../helpers/platform';

const { tf, json } = synthGlobal();
const entries = (type: string): [string, Tf][] => Object.entries(tf.resource[type] ?? {});
const keyOf = (type: string, idPart: string) => entries(type).find(([k]) => k.includes(idPart))![0];
const gateways = gatewayRegions(validConfig).map((r) => r.id);

describe('GlobalIngress (Google Cloud global external Application Load Balancer)', () => {
  it('keeps the global address deployed before the edge under its Terraform address', () => {
    expect(Object.keys(tf.resource.google_compute_global_address)).toEqual(['GlobalIp']);
    expect(tf.resource.google_compute_global_address.GlobalIp.name).toBe('taishanglaojun-global-ip');
    expect(tf.output['global-ip'].value).toBe('${google_compute_global_address.GlobalIp.address}');
  });

  it('serves HTTPS on 443 through the proxy with the certificate map and a TLS 1.2+ SSL policy', () => {
    expect(json).toHaveResourceWithProperties(ComputeSecurityPolicy, { type: 'CLOUD_ARMOR' });
    const https = resourceNamed(tf, 'google_compute_global_forwarding_rule', 'Https');
    expect(https).toMatchObject({
      port_range: '443',
      ip_protocol: 'TCP',
      load_balancing_scheme: 'EXTERNAL_MANAGED',
      ip_address: '${google_compute_global_address.GlobalIp.id}',
      target: refTo('google_compute_target_https_proxy', keyOf('google_compute_target_https_proxy', 'HttpsProxy')),
    });
    const proxy = resourceNamed(tf, 'google_compute_target_https_proxy', 'HttpsProxy');
    expect(proxy.certificate_map).toBe(
      `//certificatemanager.googleapis.com/${refTo('google_certificate_manager_certificate_map', keyOf('google_certificate_manager_certificate_map', 'CertificateMap'))}`,
    );
    expect(proxy.ssl_policy).toBe(refTo('google_compute_ssl_policy', keyOf('google_compute_ssl_policy', 'SslPolicy')));
    expect(proxy.url_map).toBe(refTo('google_compute_url_map', keyOf('google_compute_url_map', 'UrlMap')));
    expect(resourceNamed(tf, 'google_compute_ssl_policy', 'SslPolicy')).toMatchObject({ profile: 'MODERN', min_tls_version: 'TLS_1_2' });
  });

  it('redirects HTTP on port 80 to HTTPS and serves nothing on it', () => {
    const http = resourceNamed(tf, 'google_compute_global_forwarding_rule', 'Http_');
    expect(http).toMatchObject({
      port_range: '80',
      load_balancing_scheme: 'EXTERNAL_MANAGED',
      ip_address: '${google_compute_global_address.GlobalIp.id}',
    });
    const redirect = resourceNamed(tf, 'google_compute_url_map', 'HttpRedirect');
    expect(redirect.default_url_redirect).toEqual({
      https_redirect: true,
      strip_query: false,
      redirect_response_code: 'MOVED_PERMANENTLY_DEFAULT',
    });
    expect(redirect.default_service).toBeUndefined();
    expect(resourceNamed(tf, 'google_compute_target_http_proxy', 'HttpProxy').url_map).toBe(
      refTo('google_compute_url_map', keyOf('google_compute_url_map', 'HttpRedirect')),
    );
  });

  it('certifies the API host and its wildcard with Certificate Manager and a DNS authorization', () => {
    const auth = resourceNamed(tf, 'google_certificate_manager_dns_authorization', 'DnsAuthorization');
    expect(auth.domain).toBe('api.taishanglaojun.com');
    const cert = resourceNamed(tf, 'google_certificate_manager_certificate', 'Certificate');
    expect(cert.managed.domains).toEqual(['api.taishanglaojun.com', '*.api.taishanglaojun.com']);
    expect(cert.managed.dns_authorizations).toEqual([
      refTo('google_certificate_manager_dns_authorization', keyOf('google_certificate_manager_dns_authorization', 'DnsAuthorization')),
    ]);
    const mapEntries = resourcesOf(tf, 'google_certificate_manager_certificate_map_entry');
    expect(mapEntries.map((e) => e.hostname).sort()).toEqual(['*.api.taishanglaojun.com', 'api.taishanglaojun.com']);
    for (const e of mapEntries)
      expect(e.certificates).toEqual([
        refTo('google_certificate_manager_certificate', keyOf('google_certificate_manager_certificate', 'Certificate')),
      ]);
  });

  it('reaches every gateway region through an internet NEG holding its gateway host, over HTTPS', () => {
    const negs = resourcesOf(tf, 'google_compute_global_network_endpoint_group');
    expect(negs).toHaveLength(gateways.length);
    for (const n of negs) expect(n).toMatchObject({ network_endpoint_type: 'INTERNET_FQDN_PORT', default_port: 443 });
    const endpoints = resourcesOf(tf, 'google_compute_global_network_endpoint');
    expect(endpoints.map((e) => e.fqdn).sort()).toEqual(gateways.map((id) => gatewayHostOf(validConfig, id)).sort());
    for (const id of gateways) {
      const backend = resourceNamed(tf, 'google_compute_backend_service', `Backend-${id}_`);
      expect(backend).toMatchObject({ load_balancing_scheme: 'EXTERNAL_MANAGED', protocol: 'HTTPS', name: `taishanglaojun-${id}-gateway` });
      expect(backend.backend).toEqual([
        {
          group: refTo('google_compute_global_network_endpoint_group', keyOf('google_compute_global_network_endpoint_group', `Neg-${id}_`)),
        },
      ]);
      expect(backend.security_policy).toBe(refTo('google_compute_security_policy', keyOf('google_compute_security_policy', 'Armor')));
      expect(backend.custom_request_headers).toEqual([`Host: ${gatewayHostOf(validConfig, id)}`]);
    }
    expect(Object.keys(tf.output['backend-services'].value).sort()).toEqual([...gateways].sort());
    expect(tf.output['certificate-map'].value).toContain('google_certificate_manager_certificate_map');
  });

  it("keeps each NEG unchanged when a region's location or gateway host is edited (found by review: a NEG cannot be replaced while in use)", () => {
    const edited = structuredClone(config) as unknown as { regions: { id: string; location: string }[]; edge?: Record<string, unknown> };
    edited.regions.find((r) => r.id === 'eu-west-1')!.location = 'Dublin';
    edited.edge = { ...edited.edge, gatewayHosts: { 'eu-west-1': 'dublin.gateway.taishanglaojun.com' } };
    const after = synthGlobal({}, validateRegionsConfig(edited)).tf;
    expect(after.resource.google_compute_global_network_endpoint_group).toEqual(tf.resource.google_compute_global_network_endpoint_group);
    const endpoint = resourceNamed(after, 'google_compute_global_network_endpoint', 'NegEndpoint-eu-west-1_');
    expect(endpoint.fqdn).toBe('dublin.gateway.taishanglaojun.com'); // the host moves on the endpoint, which may be replaced
  });

  it('sends each region host to that region only, and refuses every other host (residency)', () => {
    const urlMap = resourceNamed(tf, 'google_compute_url_map', 'UrlMap');
    const matcherService = new Map<string, string>(urlMap.path_matcher.map((m: Tf) => [m.name, m.default_service]));
    for (const rule of urlMap.host_rule) {
      expect(rule.hosts).toHaveLength(1);
      const region = gateways.find((id) => regionApiHostOf(validConfig, id) === rule.hosts[0])!;
      expect(region).toBeDefined();
      expect(matcherService.get(rule.path_matcher)).toBe(
        refTo('google_compute_backend_service', keyOf('google_compute_backend_service', `Backend-${region}_`)),
      );
    }
    expect(urlMap.host_rule).toHaveLength(gateways.length);
    // No host rule for the plain API host: its default route is the refusal.
    expect(urlMap.host_rule.flatMap((r: Tf) => r.hosts)).not.toContain('api.taishanglaojun.com');
    expect(urlMap.default_service).toBe(refTo('google_compute_backend_service', keyOf('google_compute_backend_service', 'Refusal')));
    expect(urlMap.default_route_action).toEqual({ fault_injection_policy: { abort: { http_status: 503, percentage: 100 } } });
    expect(resourceNamed(tf, 'google_compute_backend_service', 'Refusal').backend).toBeUndefined();
  });

  it('puts Cloud Armor in front: a per-client rate limit and the OWASP rules in preview', () => {
    const armor = resourceNamed(tf, 'google_compute_security_policy', 'Armor');
    const throttle = armor.rule.find((r: Tf) => r.action === 'throttle');
    expect(throttle.rate_limit_options).toEqual({
      conform_action: 'allow',
      exceed_action: 'deny(429)',
      enforce_on_key: 'HTTP_HEADER',
      enforce_on_key_name: 'CF-Connecting-IP',
      rate_limit_threshold: { count: 600, interval_sec: 60 },
    });
    const owasp = armor.rule.filter((r: Tf) => String(r.match.expr?.expression).startsWith('evaluatePreconfiguredWaf'));
    expect(owasp).toHaveLength(OWASP_RULE_SETS.length);
    for (const r of owasp) expect(r).toMatchObject({ preview: true, action: 'deny(403)' });
    const priorities = armor.rule.map((r: Tf) => r.priority);
    expect(new Set(priorities).size).toBe(priorities.length);
    expect(armor.rule.find((r: Tf) => r.priority === 2147483647).action).toBe('allow');
  });

  it('denies Log4j JNDI lookups, enforced and ahead of the rate limit (checkov CKV_GCP_73)', () => {
    const armor = resourceNamed(tf, 'google_compute_security_policy', 'Armor');
    const log4j = armor.rule.filter((r: Tf) => r.match.expr?.expression === "evaluatePreconfiguredExpr('cve-canary')");
    expect(LOG4J_EXPRESSION).toBe("evaluatePreconfiguredExpr('cve-canary')");
    expect(log4j).toHaveLength(1);
    expect(log4j[0]).toMatchObject({ action: 'deny(403)', preview: false });
    expect(log4j[0].priority).toBeLessThan(armor.rule.find((r: Tf) => r.action === 'throttle').priority);
  });

  it('evaluates every deny rule before the rate limit, whose conforming requests end the evaluation', () => {
    for (const owaspPreview of [true, false]) {
      const stack = new TerraformStack(Testing.app(), 't');
      new GlobalIngress(stack, 'Ingress', { config: validConfig, owaspPreview });
      const armor = resourceNamed(JSON.parse(Testing.synth(stack)) as Tf, 'google_compute_security_policy', 'Armor');
      const throttle = armor.rule.find((r: Tf) => r.action === 'throttle');
      const denies = armor.rule.filter((r: Tf) => String(r.action).startsWith('deny'));
      expect(denies).toHaveLength(OWASP_RULE_SETS.length + 2); // origin secret, Log4j, the OWASP sets
      for (const r of denies) expect(r.priority).toBeLessThan(throttle.priority);
      // Only the default allow comes after the throttle.
      expect(armor.rule.filter((r: Tf) => r.priority > throttle.priority).map((r: Tf) => r.action)).toEqual(['allow']);
    }
  });

  describe('props', () => {
    const synthIngress = (props: Partial<ConstructorParameters<typeof GlobalIngress>[2]>) => {
      const stack = new TerraformStack(Testing.app(), 't');
      new GlobalIngress(stack, 'Ingress', { config: validConfig, ...props });
      return JSON.parse(Testing.synth(stack)) as Tf;
    };

    it('enforces the OWASP rules, a RESTRICTED profile and another rate limit when asked', () => {
      const out = synthIngress({ owaspPreview: false, sslProfile: 'RESTRICTED', rateLimit: { requests: 100, intervalSeconds: 10 } });
      const armor = resourceNamed(out, 'google_compute_security_policy', 'Armor');
      for (const r of armor.rule.filter((x: Tf) => x.match.expr)) expect(r.preview).toBe(false);
      expect(armor.rule.find((r: Tf) => r.action === 'throttle').rate_limit_options.rate_limit_threshold).toEqual({
        count: 100,
        interval_sec: 10,
      });
      expect(resourceNamed(out, 'google_compute_ssl_policy', 'SslPolicy').profile).toBe('RESTRICTED');
    });

    it.each([
      [{ intervalSeconds: 45 }, /^t\/Ingress: rateLimit.intervalSeconds 45 is not allowed; allowed: 10, 30, 60/],
      [{ requests: 0 }, /^t\/Ingress: rateLimit.requests 0 is not allowed; allowed: an integer from 1/],
      [{ clientHeader: 'X Bad' }, /^t\/Ingress: rateLimit.clientHeader "X Bad" is not allowed/],
    ])('rejects a bad rate limit %j naming the field, the value and what is allowed', (rateLimit, message) => {
      expect(() => synthIngress({ rateLimit })).toThrow(message);
    });

    it('takes an addressLogicalId that is a Terraform identifier, and refuses one Terraform would refuse (before: written as the resource name)', () => {
      expect(Object.keys(synthIngress({ addressLogicalId: 'Edge_ip-1' }).resource.google_compute_global_address)).toEqual(['Edge_ip-1']);
      // (printed as formatValue prints it: the zero-width joiner escaped, "a\u200db")
      for (const bad of ['has space', '1st', '-x', '', 'a\u200db'])
        expect(() => synthIngress({ addressLogicalId: bad })).toThrow(
          `t/Ingress: addressLogicalId ${formatValue(bad)} is not allowed; allowed: a Terraform identifier: a letter or "_", then letters, digits, "_" or "-"`,
        );
      expect(() => synthIngress({ addressLogicalId: 42 as never })).toThrow(/t\/Ingress: addressLogicalId 42 is not allowed/);
      const stack = new TerraformStack(Testing.app(), 'tok');
      const id = new TerraformVariable(stack, 'id', { type: 'string' }).stringValue;
      expect(() => new GlobalIngress(stack, 'Ingress', { config: validConfig, addressLogicalId: id })).toThrow(
        /tok\/Ingress: addressLogicalId is a token; allowed: a Terraform identifier/,
      );
    });

    // Found by QA: a second GlobalIngress (another project) in one stack took the same logical id,
    // and the JSON kept one address: both load balancers on one IP, the first address destroyed.
    it('refuses a second GlobalIngress with the same addressLogicalId in one stack, and takes one with its own', () => {
      const other = validateRegionsConfig({ ...config, project: { ...config.project, name: 'other', gcpProject: 'other-edge' } });
      const stack = new TerraformStack(Testing.app(), 't');
      new GlobalIngress(stack, 'A', { config: validConfig });
      new GlobalIngress(stack, 'B', { config: other });
      expect(() => Testing.synth(stack, true)).toThrow(
        /the global address's logical id "GlobalIp" \(addressLogicalId\) in stack t: created again at t\/A; allowed: one GlobalIngress per addressLogicalId in a stack/,
      );
      const ok = new TerraformStack(Testing.app(), 't');
      new GoogleProvider(ok, 'google', { project: 'edge' });
      new GlobalIngress(ok, 'A', { config: validConfig });
      new GlobalIngress(ok, 'B', { config: other, addressLogicalId: 'OtherIp' });
      const out = JSON.parse(Testing.synth(ok, true)) as Tf;
      expect(Object.keys(out.resource.google_compute_global_address).sort()).toEqual(['GlobalIp', 'OtherIp']);
      // The same logical id in two stacks is two resources: taken.
      const app = Testing.app();
      for (const name of ['s1', 's2']) {
        const s = new TerraformStack(app, name);
        new GoogleProvider(s, 'google', { project: 'edge' });
        new GlobalIngress(s, 'A', { config: name === 's1' ? validConfig : other });
      }
      expect(() => app.synth()).not.toThrow();
    });

    it('passes a token sslProfile through, and refuses a token owaspPreview (written into the rule descriptions at synth)', () => {
      const stack = new TerraformStack(Testing.app(), 't');
      const profile = new TerraformVariable(stack, 'profile', { type: 'string' }).stringValue;
      new GlobalIngress(stack, 'Ingress', { config: validConfig, sslProfile: profile as 'MODERN' });
      expect(resourceNamed(JSON.parse(Testing.synth(stack)), 'google_compute_ssl_policy', 'SslPolicy').profile).toBe('${var.profile}');
      const s2 = new TerraformStack(Testing.app(), 't');
      const preview = new TerraformVariable(s2, 'preview', { type: 'bool' }).booleanValue;
      expect(() => new GlobalIngress(s2, 'Ingress', { config: validConfig, owaspPreview: preview as unknown as boolean })).toThrow(
        /t\/Ingress: owaspPreview is a token; allowed: true or false/,
      );
    });

    it('rejects an SSL profile Google does not offer, and a config that was not validated (before: a TypeError)', () => {
      expect(() => synthIngress({ sslProfile: 'BOGUS' as never })).toThrow(
        /t\/Ingress: sslProfile "BOGUS" is not allowed; allowed: "MODERN" or "RESTRICTED"/,
      );
      expect(() => synthIngress({ config: { project: validConfig.project } as never })).toThrow(
        /t\/Ingress: config .* is not allowed; allowed: the validated config: validateRegionsConfig/,
      );
    });
  });
});
