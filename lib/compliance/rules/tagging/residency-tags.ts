import type { ComplianceRule } from '../../rule';
import { effectiveTags, zoneOfConfigRegion } from '../../view-helpers';

export const REQUIRED_TAGS = ['ResidencyZone', 'Compliance'] as const;

/**
 * Every AWS resource says which residency zone and which regimes it belongs to (own tags or provider
 * default tags), and the zone it names is its region's (a `ResidencyZone=emea` tag on a resource in
 * us-east-1 would hide it from whoever audits emea's data).
 */
export const residencyTags: ComplianceRule = {
  id: 'TSLJ-TAG-1',
  area: 'tagging',
  title: `Every AWS resource is tagged ${REQUIRED_TAGS.join(' and ')}`,
  fix: "create resources with the region's provider (its default_tags carry both), or set the tags on the resource, naming the region's own zone",
  resourceTypes: ['aws_*'],
  check: (app) =>
    app.resources
      .filter((r) => r.type.startsWith('aws_'))
      .flatMap((r) => {
        const tags = effectiveTags(r);
        const missing = REQUIRED_TAGS.filter((t) => typeof tags[t] !== 'string' || tags[t] === '');
        if (missing.length) return [{ path: r.path, reason: `missing tag(s) ${missing.join(', ')}` }];
        const zone = zoneOfConfigRegion(app, r.region);
        return zone !== undefined && tags.ResidencyZone !== zone
          ? [{ path: r.path, reason: `tag ResidencyZone "${tags.ResidencyZone}" but its region ${r.region} is in zone "${zone}"` }]
          : [];
      }),
};
