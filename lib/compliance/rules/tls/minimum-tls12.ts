import type { ComplianceRule } from '../../rule';
import { block, resourcesOfType, show } from '../../view-helpers';

/** ELB security policies that allow only TLS 1.2 and later (AWS's documented list, TLS13-* and FS-1-2-*). */
const ELB_TLS12_POLICIES = /^(ELBSecurityPolicy-TLS13-1-[23]-|ELBSecurityPolicy-TLS-1-2-|ELBSecurityPolicy-FS-1-2-)/;

/** Google TLS front ends that take an `ssl_policy`; without one Google applies its default, which allows TLS 1.0. */
const GOOGLE_PROXIES = ['google_compute_target_https_proxy', 'google_compute_region_target_https_proxy', 'google_compute_target_ssl_proxy'];

/** Wherever a TLS policy exists (load balancer listeners, Google proxies and SSL policies, Cloudflare zones), TLS 1.2 is the minimum. */
export const minimumTls12: ComplianceRule = {
  id: 'TSLJ-TLS-2',
  area: 'tls',
  title: 'TLS 1.2 minimum wherever a TLS policy exists (ELB listeners, Google HTTPS/SSL proxies and SSL policies, Cloudflare zones)',
  fix: 'ELB: ssl_policy "ELBSecurityPolicy-TLS13-1-2-2021-06"; Google: an ssl_policy on every HTTPS/SSL proxy, with min_tls_version "TLS_1_2"; Cloudflare: min_tls_version "1.2"; plain HTTP listeners only redirect to HTTPS',
  resourceTypes: [
    'aws_lb_listener',
    'aws_alb_listener',
    ...GOOGLE_PROXIES,
    'google_compute_ssl_policy',
    'cloudflare_zone_settings_override',
    'cloudflare_zone_setting',
  ],
  check: (app) => [
    ...resourcesOfType(app, 'aws_lb_listener', 'aws_alb_listener').flatMap((l) => {
      const protocol = String(l.attributes.protocol ?? 'HTTP');
      if (protocol === 'HTTPS' || protocol === 'TLS') {
        const policy = l.attributes.ssl_policy;
        return typeof policy === 'string' && ELB_TLS12_POLICIES.test(policy)
          ? []
          : [{ path: l.path, reason: `${protocol} listener with ssl_policy ${show(policy)}, which allows TLS below 1.2` }];
      }
      const redirects = (Array.isArray(l.attributes.default_action) ? l.attributes.default_action : [l.attributes.default_action]).every(
        (a) =>
          (a as Record<string, unknown> | undefined)?.type === 'redirect' &&
          block((a as Record<string, unknown>).redirect)?.protocol === 'HTTPS',
      );
      return redirects || protocol === 'TCP' || protocol === 'UDP'
        ? []
        : [{ path: l.path, reason: `${protocol} listener serves traffic without TLS instead of redirecting to HTTPS` }];
    }),
    // as an ELB HTTPS listener without ssl_policy: no policy is the provider's default, TLS 1.0
    ...resourcesOfType(app, ...GOOGLE_PROXIES)
      .filter((p) => typeof p.attributes.ssl_policy !== 'string' || p.attributes.ssl_policy.trim() === '')
      .map((p) => ({
        path: p.path,
        reason: `${p.type} with ssl_policy ${show(p.attributes.ssl_policy)}: Google's default SSL policy allows TLS 1.0`,
      })),
    ...resourcesOfType(app, 'google_compute_ssl_policy')
      .filter((p) => p.attributes.min_tls_version !== 'TLS_1_2' && p.attributes.min_tls_version !== 'TLS_1_3')
      .map((p) => ({ path: p.path, reason: `min_tls_version is ${show(p.attributes.min_tls_version)} (Google's default is TLS_1_0)` })),
    ...resourcesOfType(app, 'cloudflare_zone_settings_override').flatMap((z) => {
      const v = block(z.attributes.settings)?.min_tls_version;
      return v === '1.2' || v === '1.3' ? [] : [{ path: z.path, reason: `settings.min_tls_version is ${show(v)}` }];
    }),
    ...resourcesOfType(app, 'cloudflare_zone_setting')
      .filter((s) => s.attributes.setting_id === 'min_tls_version' && s.attributes.value !== '1.2' && s.attributes.value !== '1.3')
      .map((s) => ({ path: s.path, reason: `min_tls_version is ${show(s.attributes.value)}` })),
  ],
};
