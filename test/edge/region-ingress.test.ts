import { App, Testing, TerraformStack, TerraformVariable } from 'cdktf';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { RegionIngress, type RegionIngressProps } from '../../lib/edge/region-ingress';
import { ELB_LOG_DELIVERY_ACCOUNTS } from '../../lib/edge/private/elb-log-delivery';
import { Region } from '../../lib/region';
import { ContinentStack } from '../../stacks/continent-stack';
import { buildPlatform } from '../../stacks/platform';
import { refTo, resourceNamed, type Tf } from '../helpers/edge';
import { resourcesOf, specOf, validConfig, validRoutingTableJson } from '../helpers/platform';

const ROUTING = validRoutingTableJson;
function synthContinent(edgeBootstrap = false) {
  const stack = new ContinentStack(Testing.app(), 'emea', {
    config: validConfig,
    continent: 'EMEA',
    routingTableJson: ROUTING,
    edgeBootstrap,
  });
  const json = Testing.synth(stack);
  return { json, tf: JSON.parse(json) as Tf, stack };
}
const { json, tf, stack } = synthContinent();
const keyOf = (type: string, idPart: string) => Object.keys(tf.resource[type]).find((k) => k.includes(idPart))!;

describe("RegionIngress (each gateway region's public entry, AWS)", () => {
  it('gives every region that runs the gateway one internet-facing ALB in its public subnets with the load-balancer tier group', () => {
    expect([...stack.ingresses.keys()]).toEqual(['eu-west-1', 'eu-central-1', 'eu-west-2']);
    expect(json).toHaveResourceWithProperties(Lb, { load_balancer_type: 'application', internal: false });
    const lb = resourceNamed(tf, 'aws_lb', 'eu-west-1_Ingress');
    expect(lb).toMatchObject({
      name: 'taishanglaojun-eu-west-1',
      provider: 'aws.eu_west_1',
      enable_deletion_protection: true,
      drop_invalid_header_fields: true,
    });
    expect(lb.subnets).toEqual(['A', 'B', 'C'].map((zone) => refTo('aws_subnet', keyOf('aws_subnet', `eu-west-1_Network_Public${zone}_`))));
    expect(lb.security_groups).toEqual([refTo('aws_security_group', keyOf('aws_security_group', 'eu-west-1_NetworkPolicy_LoadBalancer'))]);
  });

  it('writes access logs to an SSE-S3 bucket of the same region that only ELB log delivery may write to', () => {
    const lb = resourceNamed(tf, 'aws_lb', 'eu-west-1_Ingress');
    const bucketKey = keyOf('aws_s3_bucket', 'eu-west-1_Ingress_AccessLogs_Bucket');
    expect(lb.access_logs).toEqual({ bucket: refTo('aws_s3_bucket', bucketKey, 'bucket'), prefix: 'load-balancer', enabled: true });
    expect(lb.depends_on).toEqual([`aws_s3_bucket_policy.${keyOf('aws_s3_bucket_policy', 'eu-west-1_Ingress_AccessLogs_Policy')}`]);
    expect(tf.resource.aws_s3_bucket[bucketKey]).toMatchObject({
      provider: 'aws.eu_west_1',
      bucket: 'taishanglaojun-eu-west-1-lb-logs-${var.aws_account_id}',
    });
    const sse = resourceNamed(tf, 'aws_s3_bucket_server_side_encryption_configuration', 'eu-west-1_Ingress_AccessLogs');
    expect(sse.rule[0].apply_server_side_encryption_by_default).toEqual({ sse_algorithm: 'AES256' });
    expect(resourceNamed(tf, 'aws_s3_bucket_public_access_block', 'eu-west-1_Ingress_AccessLogs')).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    const policy = JSON.parse(resourceNamed(tf, 'aws_s3_bucket_policy', 'eu-west-1_Ingress_AccessLogs').policy);
    const write = policy.Statement.find((s: Tf) => s.Sid === 'ElbAccessLogDelivery');
    expect(write.Principal).toEqual({
      AWS: `arn:aws:iam::${ELB_LOG_DELIVERY_ACCOUNTS['eu-west-1']}:root`,
      Service: 'logdelivery.elasticloadbalancing.amazonaws.com',
    });
    expect(write.Action).toBe('s3:PutObject');
    expect(write.Resource).toMatch(/\/load-balancer\/AWSLogs\/\$\{var\.aws_account_id\}\/\*$/);
    expect(policy.Statement.find((s: Tf) => s.Sid === 'DenyInsecureTransport').Condition).toEqual({
      Bool: { 'aws:SecureTransport': 'false' },
    });
  });

  it('certifies the gateway host by DNS and serves HTTPS (TLS 1.2+) only once the certificate is issued', () => {
    const cert = resourceNamed(tf, 'aws_acm_certificate', 'eu-west-1_Ingress');
    expect(cert).toMatchObject({
      domain_name: 'eu-west-1.gateway.taishanglaojun.com',
      validation_method: 'DNS',
      lifecycle: { create_before_destroy: true },
    });
    const certKey = keyOf('aws_acm_certificate', 'eu-west-1_Ingress');
    const issued = resourceNamed(tf, 'aws_acm_certificate_validation', 'eu-west-1_Ingress');
    expect(issued.certificate_arn).toBe(refTo('aws_acm_certificate', certKey, 'arn'));
    expect(issued.validation_record_fqdns).toEqual([
      `\${tolist(aws_acm_certificate.${certKey}.domain_validation_options).0.resource_record_name}`,
    ]);
    const https = Object.values(tf.resource.aws_lb_listener as Record<string, Tf>).find(
      (l) => l.port === 443 && String(l.load_balancer_arn).includes('eu-west-1_'),
    );
    expect(https).toMatchObject({ protocol: 'HTTPS', ssl_policy: 'ELBSecurityPolicy-TLS13-1-2-2021-06' });
    expect(https.certificate_arn).toBe(
      refTo('aws_acm_certificate_validation', keyOf('aws_acm_certificate_validation', 'eu-west-1_Ingress'), 'certificate_arn'),
    );
    // Origin authentication (on by default): only requests with the edge's secret reach the gateway (test/edge/origin-auth.test.ts).
    expect(https.default_action).toEqual([{ type: 'fixed-response', fixed_response: expect.objectContaining({ status_code: '403' }) }]);
    const fromEdge = resourceNamed(tf, 'aws_lb_listener_rule', 'eu-west-1_Ingress_FromEdge');
    expect(fromEdge.action).toEqual([
      { type: 'forward', target_group_arn: refTo('aws_lb_target_group', keyOf('aws_lb_target_group', 'eu-west-1_Ingress'), 'arn') },
    ]);
  });

  it('redirects HTTP to HTTPS and opens port 80 on the load-balancer tier for it', () => {
    const http = Object.values(tf.resource.aws_lb_listener as Record<string, Tf>).find(
      (l) => l.port === 80 && String(l.load_balancer_arn).includes('eu-west-1_'),
    );
    expect(http.protocol).toBe('HTTP');
    expect(http.default_action).toEqual([{ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', status_code: 'HTTP_301' } }]);
    const rule = resourceNamed(tf, 'aws_vpc_security_group_ingress_rule', 'eu-west-1_Ingress_HttpRedirectIn0');
    expect(rule).toMatchObject({ from_port: 80, to_port: 80, ip_protocol: 'tcp', cidr_ipv4: '0.0.0.0/0' });
  });

  it('takes HTTPS and the HTTP redirect only from edge.loadBalancerSourceCidrs when the config lists them (no path around the edge)', () => {
    const ranges = ['34.96.0.0/20', '34.127.192.0/18'];
    const narrowed = new ContinentStack(Testing.app(), 'emea', {
      config: { ...validConfig, edge: { ...validConfig.edge, loadBalancerSourceCidrs: ranges } },
      continent: 'EMEA',
      routingTableJson: ROUTING,
    });
    const out = JSON.parse(Testing.synth(narrowed)) as Tf;
    const rules = Object.entries(out.resource.aws_vpc_security_group_ingress_rule as Record<string, Tf>).filter(([k]) =>
      k.startsWith('eu-west-1_'),
    );
    const from = (port: number) =>
      rules
        .filter(([, r]) => r.from_port === port && r.cidr_ipv4 !== undefined)
        .map(([, r]) => r.cidr_ipv4)
        .sort();
    expect(from(443)).toEqual([...ranges].sort());
    expect(from(80)).toEqual([...ranges].sort());
    // The default: the public API, open to all (as the accepted scanner findings say).
    const open = Object.entries(tf.resource.aws_vpc_security_group_ingress_rule as Record<string, Tf>).filter(
      ([k, r]) => k.startsWith('eu-west-1_') && r.from_port === 443 && r.cidr_ipv4 !== undefined,
    );
    expect(open.map(([, r]) => r.cidr_ipv4)).toEqual(['0.0.0.0/0']);
  });

  it("forwards to the gateway target group on 8080 and checks the gateway's readiness on its admin port, with the design's timings (before: /health on 8080, which the gateway forwarded to an upstream app)", () => {
    const tg = resourceNamed(tf, 'aws_lb_target_group', 'eu-west-1_Ingress');
    expect(tg).toMatchObject({ port: 8080, protocol: 'HTTP', target_type: 'ip', name: 'taishanglaojun-eu-west-1-gw' });
    expect(tg.vpc_id).toBe(refTo('aws_vpc', keyOf('aws_vpc', 'eu-west-1_Network'), 'id'));
    expect(tg.health_check).toEqual({
      enabled: true,
      protocol: 'HTTP',
      port: '9090',
      path: '/readyz',
      interval: 30,
      timeout: 10,
      unhealthy_threshold: 3,
      healthy_threshold: 5,
      matcher: '200',
    });
  });

  it('lets the load-balancer group reach the admin port in the gateway group, and nothing else new (the check would time out otherwise)', () => {
    const groupKey = (tier: string) => refTo('aws_security_group', keyOf('aws_security_group', `eu-west-1_NetworkPolicy_${tier}`), 'id');
    const lb = groupKey('LoadBalancer');
    const gw = groupKey('Gateway');
    const rules = (type: string) =>
      Object.entries(tf.resource[type] as Record<string, Tf>).filter(([k, r]) => k.startsWith('eu-west-1_') && r.from_port === 9090);
    expect(rules('aws_vpc_security_group_egress_rule').map(([, r]) => r)).toEqual([
      expect.objectContaining({ security_group_id: lb, referenced_security_group_id: gw, ip_protocol: 'tcp', to_port: 9090 }),
    ]);
    expect(rules('aws_vpc_security_group_ingress_rule').map(([, r]) => r)).toEqual([
      expect.objectContaining({ security_group_id: gw, referenced_security_group_id: lb, ip_protocol: 'tcp', to_port: 9090 }),
    ]);
    for (const type of ['aws_vpc_security_group_egress_rule', 'aws_vpc_security_group_ingress_rule'])
      for (const [, r] of rules(type)) expect(r.cidr_ipv4).toBeUndefined();
  });

  it('outputs each load balancer DNS name', () => {
    expect(tf.output['eu-central-1-gateway-lb-dns'].value).toBe(refTo('aws_lb', keyOf('aws_lb', 'eu-central-1_Ingress'), 'dns_name'));
  });

  it('leaves the HTTPS listener and the certificate wait out on the first deploy of the edge (bootstrap)', () => {
    const boot = synthContinent(true).tf;
    expect(resourcesOf(boot, 'aws_acm_certificate_validation')).toHaveLength(0);
    expect(resourcesOf(boot, 'aws_lb_listener').map((l) => l.port)).toEqual([80, 80, 80]);
    // the gateways' public certificates (the mesh's private ones carry a certificate_authority_arn)
    expect(resourcesOf(boot, 'aws_acm_certificate').filter((c) => !c.certificate_authority_arn)).toHaveLength(3);
  });

  it('has the global stack read the validation records and load-balancer names through cross-stack references', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'edge-'));
    try {
      const app = new App({ outdir, stackTraces: false });
      buildPlatform(app, validConfig);
      app.synth();
      const global = JSON.parse(readFileSync(join(outdir, 'stacks/global/cdk.tf.json'), 'utf8'));
      expect(Object.keys(global.data.terraform_remote_state).sort()).toEqual([
        'cross-stack-reference-input-apac',
        'cross-stack-reference-input-emea',
        'cross-stack-reference-input-na',
      ]);
      const records = Object.values(global.resource.cloudflare_dns_record as Record<string, Tf>);
      const gateway = records.find((r) => r.name === 'eu-west-1.gateway.taishanglaojun.com');
      expect(gateway).toMatchObject({ type: 'CNAME', proxied: false });
      expect(gateway.content).toMatch(
        /^\$\{data\.terraform_remote_state\.cross-stack-reference-input-emea\.outputs\.cross-stack-output-aws_lbeu-west-1_Ingress_LoadBalancer_\w+dns_name\}$/,
      );
      const validation = records.filter((r) => String(r.name).includes('domain_validation_options'));
      expect(validation).toHaveLength(10);
      // The AWS stacks gain outputs only: their one provider stays AWS.
      const emea = JSON.parse(readFileSync(join(outdir, 'stacks/emea/cdk.tf.json'), 'utf8'));
      expect(Object.keys(emea.terraform.required_providers)).toEqual(['aws']);
      expect(emea.data?.terraform_remote_state).toBeUndefined();
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  describe('props', () => {
    const synthIngress = (props: Partial<RegionIngressProps>) => {
      const s = new TerraformStack(Testing.app(), 't');
      const region = new Region(s, 'eu-west-1', { spec: specOf('eu-west-1'), projectName: 'taishanglaojun', accountId: '111122223333' });
      new RegionIngress(region, 'Ingress', {
        region,
        projectName: 'taishanglaojun',
        accountId: '111122223333',
        gatewayHost: 'gw.taishanglaojun.com',
        ...props,
      });
      return JSON.parse(Testing.synth(s)) as Tf;
    };

    it('declares no output of its own: ContinentStack adds <region>-gateway-lb-dns, and the README says so', () => {
      // A reviewer's app looked for the output the README promised RegionIngress would create.
      expect(synthIngress({}).output).toBeUndefined();
      const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
      const row = readme.split('\n').find((line) => line.startsWith('| `RegionIngress`'))!;
      expect(row).not.toMatch(/, output `<region>-gateway-lb-dns`/);
      expect(row).toContain('`ContinentStack` adds the stack output `<region>-gateway-lb-dns`');
    });

    it('shortens names that ELB would reject (32 characters at most)', () => {
      const s = new TerraformStack(Testing.app(), 't');
      const region = new Region(s, 'ap-southeast-1', {
        spec: specOf('ap-southeast-1'),
        projectName: 'averyveryverylongname',
        accountId: '111122223333',
      });
      new RegionIngress(region, 'Ingress', {
        region,
        projectName: 'averyveryverylongname',
        accountId: '111122223333',
        gatewayHost: 'gw.example.com',
      });
      const out = JSON.parse(Testing.synth(s)) as Tf;
      for (const n of [...resourcesOf(out, 'aws_lb'), ...resourcesOf(out, 'aws_lb_target_group')].map((r) => r.name))
        expect(n.length).toBeLessThanOrEqual(32);
    });

    it('turns deletion protection off only when asked', () => {
      expect(resourcesOf(synthIngress({ deletionProtection: false }), 'aws_lb')[0].enable_deletion_protection).toBe(false);
    });

    it.each<[Partial<RegionIngressProps>, RegExp]>([
      [{ sslPolicy: 'ELBSecurityPolicy-2016-08' }, /sslPolicy "ELBSecurityPolicy-2016-08" is not allowed; allowed \(TLS 1.2 minimum\)/],
      [{ healthCheck: { unhealthyThreshold: 1 } }, /healthCheck.unhealthyThreshold 1 is not allowed; allowed: a whole number from 2 to 10/],
      [
        { healthCheck: { intervalSeconds: 10, timeoutSeconds: 10 } },
        /healthCheck.timeoutSeconds 10 is not allowed; allowed: less than intervalSeconds \(10\)/,
      ],
      // The check moved to /readyz on the admin port; a path given as before is named, not ignored.
      [
        { healthCheck: { path: '/health' } as never },
        /healthCheck.path "\/health" is not allowed; allowed: no path \(leave it out\): the target group checks \/readyz on the gateway's admin port \(adminPort\)/,
      ],
      [{ adminPort: 8080 }, /adminPort 8080 is not allowed; allowed: an integer port 1..65535 other than the traffic port 8080/],
      [{ adminPort: 0 }, /adminPort 0 is not allowed; allowed: an integer port 1..65535/],
      [{ adminPort: 9090.5 }, /adminPort 9090.5 is not allowed/],
      [{ adminPort: '9090' as never }, /adminPort "9090" is not allowed/],
      [{ gatewayHost: 'Not A Host' }, /gatewayHost "Not A Host" is not allowed/],
      [{ accessLogRetentionDays: 0 }, /retentionDays 0 is not allowed/],
      [{ gatewayHost: '-bad-.example.com' }, /gatewayHost "-bad-.example.com" is not allowed; allowed: a lower-case DNS name/],
      [{ projectName: 'BAD NAME' }, /projectName "BAD NAME" is not allowed; allowed: 2-21 lower-case letters/],
      [{ projectName: undefined as unknown as string }, /projectName undefined is not allowed/],
      [{ accountId: 'nope' }, /accountId "nope" is not allowed; allowed: a 12-digit AWS account id/],
      [{ httpRedirectCidrs: ['300.0.0.0/8'] }, /httpRedirectCidrs\[0\] "300.0.0.0\/8" is not allowed; allowed: an IPv4 CIDR/],
      [{ httpRedirectCidrs: ['10.0.0.1/8'] }, /httpRedirectCidrs\[0\] "10.0.0.1\/8" is not allowed/],
      [
        { httpRedirectCidrs: '0.0.0.0/0' as unknown as string[] },
        /httpRedirectCidrs "0.0.0.0\/0" is not allowed; allowed: a list of IPv4 CIDRs/,
      ],
      // Found by QA: each of these passed synth and AWS refused it at apply.
      [
        { projectName: 'internal-acme' },
        /projectName "internal-acme" is not allowed; allowed: .*not "internal", "sthree" or "amzn-s3-demo", nor starting with one of them and "-"/,
      ],
      [{ projectName: 'xn--acme' }, /projectName "xn--acme" is not allowed; allowed: 2-21 lower-case letters, digits and single "-"/],
      [{ projectName: 'acme-' }, /projectName "acme-" is not allowed/],
      [{ projectName: 'internal' }, /projectName "internal" is not allowed/],
      [
        { httpRedirectCidrs: ['0.0.0.0/0', '0.0.0.0/0'] },
        /httpRedirectCidrs\[1\] "0.0.0.0\/0" is not allowed; allowed: each CIDR once \(it is httpRedirectCidrs\[0\] too\)/,
      ],
      [
        { httpRedirectCidrs: Array.from({ length: 61 }, (_, i) => `203.0.${i}.0/24`) },
        /httpRedirectCidrs \[.*\(61 items\) is not allowed; allowed: at most 60 CIDRs \(one inbound rule each/,
      ],
      [{ healthCheck: 'x' as never }, /healthCheck "x" is not allowed; allowed: \{ intervalSeconds/],
      // The same CIDR spelled another way escaped the duplicate check and was written as given.
      [
        { httpRedirectCidrs: ['10.0.0.0/8', '010.0.0.0/08'] },
        /httpRedirectCidrs\[1\] "010.0.0.0\/08" is not allowed; allowed: an IPv4 CIDR in canonical form/,
      ],
      [
        { gatewayHost: `eu-west-1.${'g'.repeat(44)}.example.com` },
        /gatewayHost "eu-west-1\.g+\.example\.com" is not allowed; allowed: a host of at most 64 characters \(the certificate's name: ACM takes no longer one\); this one has 66/,
      ],
      // Residency (QA): the eu-west-1 ingress given us-east-1's host would carry that region's users here.
      [
        { gatewayHost: 'us-east-1.gateway.taishanglaojun.com' },
        /gatewayHost "us-east-1.gateway.taishanglaojun.com" is not allowed; allowed: a host of region eu-west-1 .*names region us-east-1/,
      ],
    ])('rejects %j naming the prop, the value and what is allowed', (props, message) => {
      expect(() => synthIngress(props)).toThrow(message);
    });

    it('checks the admin port it is given (the security-group rules follow), a host of its own region, and exposes its region and host (for CdnZone)', () => {
      const out = synthIngress({ adminPort: 9191 });
      expect(resourcesOf(out, 'aws_lb_target_group')[0].health_check).toMatchObject({ port: '9191', path: '/readyz' });
      expect(resourcesOf(out, 'aws_vpc_security_group_egress_rule').filter((r) => r.from_port === 9191)).toHaveLength(1);
      expect(resourcesOf(out, 'aws_vpc_security_group_ingress_rule').filter((r) => r.from_port === 9191)).toHaveLength(1);
      expect(resourcesOf(synthIngress({}), 'aws_lb_target_group')[0].health_check.port).toBe('9090');
      const s = new TerraformStack(Testing.app(), 't');
      const region = new Region(s, 'eu-west-1', { spec: specOf('eu-west-1'), projectName: 'taishanglaojun', accountId: '111122223333' });
      const ingress = new RegionIngress(region, 'Ingress', {
        region,
        projectName: 'taishanglaojun',
        accountId: '111122223333',
        gatewayHost: 'eu-west-1.gateway.taishanglaojun.com',
      });
      expect([ingress.regionId, ingress.gatewayHost]).toEqual(['eu-west-1', 'eu-west-1.gateway.taishanglaojun.com']);
      // A host naming its own region is taken whatever else it holds (a domain may contain an id).
      for (const gatewayHost of ['eu-west-1.gateway.us-east-1.example.com', 'eu-west-1-gw.example.com', 'gw.example.com'])
        expect(() => synthIngress({ gatewayHost })).not.toThrow();
    });

    it('refuses a token httpsListener (it decides at synth whether the listener exists; a variable read as true)', () => {
      const s = new TerraformStack(Testing.app(), 't');
      const region = new Region(s, 'eu-west-1', { spec: specOf('eu-west-1'), projectName: 'taishanglaojun', accountId: '111122223333' });
      const flag = new TerraformVariable(s, 'https', { type: 'bool' });
      expect(
        () =>
          new RegionIngress(region, 'Ingress', {
            region,
            projectName: 'taishanglaojun',
            accountId: '111122223333',
            gatewayHost: 'gw.taishanglaojun.com',
            httpsListener: flag.booleanValue as unknown as boolean,
          }),
      ).toThrow(/Ingress: httpsListener is a token; allowed: true or false \(it decides whether the HTTPS listener is written\)/);
    });
  });
});
