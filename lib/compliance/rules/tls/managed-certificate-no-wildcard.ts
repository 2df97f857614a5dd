import type { ComplianceRule } from '../../rule';
import { block, resourcesOfType } from '../../view-helpers';

/**
 * Google-managed certificates cover exact names only: a wildcard domain is refused by the API (the
 * design's `*.api.…` managed certificate). A wildcard needs a certificate of its own (Certificate
 * Manager with DNS authorization) or the names listed one by one.
 */
export const managedCertificateNoWildcard: ComplianceRule = {
  id: 'TSLJ-TLS-4',
  area: 'tls',
  title: 'Google-managed certificates list exact host names, no wildcards',
  fix: 'list each host name in managed.domains, or issue the wildcard through Certificate Manager with DNS authorization',
  resourceTypes: ['google_compute_managed_ssl_certificate'],
  check: (app) =>
    resourcesOfType(app, 'google_compute_managed_ssl_certificate').flatMap((c) => {
      const domains = block(c.attributes.managed)?.domains;
      const wild = (Array.isArray(domains) ? domains : []).filter((d) => typeof d === 'string' && d.includes('*'));
      return wild.length
        ? [
            {
              path: c.path,
              reason: `managed domains ${wild.map((d) => JSON.stringify(d)).join(', ')}: Google-managed certificates take no wildcard`,
            },
          ]
        : [];
    }),
};
