/**
 * Origin authentication: Cloudflare sets the edge's secret on every request, Cloud Armor and each
 * region's load balancer refuse a request without it, the gateway never forwards it. Read back from
 * the synthesized JSON of the three constructs and of the stacks.
 */
import { Testing, TerraformStack, TerraformVariable } from 'cdktf';
import { GlobalIngress, ORIGIN_AUTH_PRIORITY, LOG4J_PRIORITY } from '../../lib/edge/global-ingress';
import { ORIGIN_AUTH_HEADER, ORIGIN_SECRET_PATTERN, ORIGIN_SECRET_VARIABLE } from '../../lib/edge/origin-auth';
import { NOT_THROUGH_EDGE_RESPONSE } from '../../lib/edge/region-ingress';
import { ContinentStack } from '../../stacks/continent-stack';
import { resourceNamed, synthGlobal, type Tf } from '../helpers/edge';
import { resourcesOf, validConfig, validRoutingTableJson } from '../helpers/platform';

const SECRET_REF = `\${var.${ORIGIN_SECRET_VARIABLE}}`;

function synthEmea(): Tf {
  const stack = new ContinentStack(Testing.app(), 'emea', {
    config: validConfig,
    continent: 'EMEA',
    routingTableJson: validRoutingTableJson,
  });
  return JSON.parse(Testing.synth(stack)) as Tf;
}

/** What the HTTPS listener of `region` does with a request carrying `headers` (ALB rule semantics: the lowest priority rule that matches, else the default). */
function albAnswer(tf: Tf, region: string, headers: Record<string, string>, secret: string): string {
  const listener = Object.entries(tf.resource.aws_lb_listener as Record<string, Tf>).find(
    ([, l]) => l.port === 443 && String(l.load_balancer_arn).includes(`${region}_`),
  )!;
  const rules = Object.values((tf.resource.aws_lb_listener_rule ?? {}) as Record<string, Tf>)
    .filter((r) => String(r.listener_arn).includes(listener[0]))
    .sort((a, b) => a.priority - b.priority);
  const value = (v: string) => (v === SECRET_REF ? secret : v);
  for (const rule of rules) {
    const matches = (rule.condition as Tf[]).every((c) => {
      const got = headers[c.http_header.http_header_name];
      // The load balancer compares header values case-insensitively.
      return got !== undefined && (c.http_header.values as string[]).some((v) => value(v).toLowerCase() === got.toLowerCase());
    });
    if (matches) return rule.action[0].type;
  }
  const fallback = listener[1].default_action[0];
  return fallback.type === 'fixed-response' ? `fixed-response ${fallback.fixed_response.status_code}` : fallback.type;
}

describe('origin authentication (the edge secret, on by default)', () => {
  const secret = 'a'.repeat(64);

  it('each region load balancer forwards only requests carrying the secret; every other request gets 403 JSON', () => {
    const tf = synthEmea();
    expect(tf.variable[ORIGIN_SECRET_VARIABLE]).toMatchObject({ sensitive: true, nullable: false, type: 'string' });
    expect(tf.variable[ORIGIN_SECRET_VARIABLE].default).toBeUndefined();
    for (const region of ['eu-west-1', 'eu-central-1', 'eu-west-2']) {
      expect(albAnswer(tf, region, { [ORIGIN_AUTH_HEADER]: secret }, secret)).toBe('forward');
      expect(albAnswer(tf, region, { [ORIGIN_AUTH_HEADER]: 'b'.repeat(64) }, secret)).toBe('fixed-response 403');
      expect(albAnswer(tf, region, { 'cf-connecting-ip': '81.2.69.142' }, secret)).toBe('fixed-response 403');
    }
    expect(JSON.parse(NOT_THROUGH_EDGE_RESPONSE.messageBody)).toMatchObject({ error: 'not-through-edge' });
  });

  it('Cloud Armor denies a request without the secret before any other rule', () => {
    const { tf } = synthGlobal();
    const armor = resourceNamed(tf, 'google_compute_security_policy', 'Armor');
    const first = [...armor.rule].sort((a: Tf, b: Tf) => a.priority - b.priority)[0];
    expect(first.priority).toBe(ORIGIN_AUTH_PRIORITY);
    expect(ORIGIN_AUTH_PRIORITY).toBeLessThan(LOG4J_PRIORITY);
    expect(first).toMatchObject({ action: 'deny(403)', preview: false });
    expect(first.match.expr.expression).toBe(
      `!has(request.headers['${ORIGIN_AUTH_HEADER}']) || request.headers['${ORIGIN_AUTH_HEADER}'] != '${SECRET_REF}'`,
    );
  });

  it("Cloudflare sets the secret on every request of the zone (replacing a client's value) and on the monitor's probes", () => {
    const { tf } = synthGlobal();
    const transform = resourcesOf(tf, 'cloudflare_ruleset').find((r) => r.phase === 'http_request_late_transform')!;
    expect(transform.rules).toEqual([
      expect.objectContaining({
        expression: 'true',
        action: 'rewrite',
        enabled: true,
        action_parameters: { headers: { [ORIGIN_AUTH_HEADER]: { operation: 'set', value: SECRET_REF } } },
      }),
    ]);
    expect(resourcesOf(tf, 'cloudflare_load_balancer_monitor')[0].header).toEqual({ [ORIGIN_AUTH_HEADER]: [SECRET_REF] });
    // One variable for the zone and Cloud Armor.
    expect(Object.keys(tf.variable)).toContain(ORIGIN_SECRET_VARIABLE);
  });

  it('can be turned off per construct (then no rule, no variable), and a bad value is refused without echoing it', () => {
    const stack = new TerraformStack(Testing.app(), 't');
    new GlobalIngress(stack, 'Ingress', { config: validConfig, originAuthentication: false });
    const tf = JSON.parse(Testing.synth(stack)) as Tf;
    expect(tf.variable?.[ORIGIN_SECRET_VARIABLE]).toBeUndefined();
    expect(resourceNamed(tf, 'google_compute_security_policy', 'Armor').rule.some((r: Tf) => r.priority === ORIGIN_AUTH_PRIORITY)).toBe(
      false,
    );

    const given = new TerraformStack(Testing.app(), 'g');
    new GlobalIngress(given, 'Ingress', { config: validConfig, originSecret: new TerraformVariable(given, 'mine', {}).stringValue });
    expect(JSON.stringify(resourceNamed(JSON.parse(Testing.synth(given)) as Tf, 'google_compute_security_policy', 'Armor'))).toContain(
      '${var.mine}',
    );

    const leaked = 'Secret-With-Upper-Case-1234567890abcdef';
    const bad = () => new GlobalIngress(new TerraformStack(Testing.app(), 'b'), 'Ingress', { config: validConfig, originSecret: leaked });
    expect(bad).toThrow(/Ingress: originSecret: a 39-character value that is not allowed; allowed: 32-128 lower-case letters and digits/);
    expect(bad).not.toThrow(new RegExp(leaked));
    expect(
      () =>
        new GlobalIngress(new TerraformStack(Testing.app(), 'c'), 'Ingress', {
          config: validConfig,
          originAuthentication: false,
          originSecret: secret,
        }),
    ).toThrow(/originSecret is given but originAuthentication is false/);
    expect(
      () =>
        new GlobalIngress(new TerraformStack(Testing.app(), 'd'), 'Ingress', {
          config: validConfig,
          originAuthentication: 'yes' as unknown as boolean,
        }),
    ).toThrow(/originAuthentication: "yes" is not allowed; allowed: true or false/);
  });

  it('the secret pattern is what the variable validation says: lower-case letters and digits, 32-128', () => {
    expect(ORIGIN_SECRET_PATTERN.test('0123456789abcdef'.repeat(4))).toBe(true);
    for (const bad of ['a'.repeat(31), 'a'.repeat(129), 'A'.repeat(40), `${'a'.repeat(40)}*`, `${'a'.repeat(40)}?`])
      expect(ORIGIN_SECRET_PATTERN.test(bad)).toBe(false);
  });
});
