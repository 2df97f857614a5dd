import type { ComplianceRule } from '../../rule';
import { effectiveTags } from '../../view-helpers';

export const REQUIRED_TAGS = ['ResidencyZone', 'Compliance'] as const;

/** Every AWS resource says which residency zone and which regimes it belongs to (own tags or provider default tags). */
export const residencyTags: ComplianceRule = {
  id: 'TSLJ-TAG-1',
  area: 'tagging',
  title: `Every AWS resource is tagged ${REQUIRED_TAGS.join(' and ')}`,
  fix: "create resources with the region's provider (its default_tags carry both), or set the tags on the resource",
  resourceTypes: ['aws_*'],
  check: (app) =>
    app.resources
      .filter((r) => r.type.startsWith('aws_'))
      .flatMap((r) => {
        const tags = effectiveTags(r);
        const missing = REQUIRED_TAGS.filter((t) => typeof tags[t] !== 'string' || tags[t] === '');
        return missing.length ? [{ path: r.path, reason: `missing tag(s) ${missing.join(', ')}` }] : [];
      }),
};
