import type { AppView, ComplianceRule } from '../../rule';
import { resourcesOfType } from '../../view-helpers';

/** Label a Google Cloud Storage bucket names its residency zone with (GCS labels: lower case). */
export const GCS_ZONE_LABEL = 'residency_zone';

/**
 * The continent (as the config names them) a Cloud Storage location is on: multi-regions (`EU`,
 * `US`, `ASIA`), the predefined dual-regions (`EUR4`, `NAM4`, `ASIA1`, …) and regions by their
 * prefix (`europe-west1`, `us-central1`, …). Undefined when it is not known (a new location).
 */
export function continentOfGcsLocation(location: string): string | undefined {
  const l = location.toLowerCase();
  if (l === 'eu' || /^eur\d+$/.test(l) || /^(europe|me|africa)-/.test(l)) return 'EMEA';
  if (l === 'us' || /^nam\d+$/.test(l) || /^(us|northamerica)-/.test(l)) return 'NA';
  if (l === 'asia' || /^asia\d+$/.test(l) || /^(asia|australia)-/.test(l)) return 'APAC';
  return undefined;
}

const continentsOfZone = (app: AppView, zone: string): Set<string> =>
  new Set((app.config?.regions ?? []).filter((r) => r.residencyZone === zone).map((r) => r.continent));

/**
 * Cloud Storage buckets say which residency zone's data they hold (label `residency_zone`) and sit
 * on a continent of that zone's regions: an unlabelled bucket, or an `emea` bucket in `US`, is data
 * whose place nobody checked.
 */
export const googleStorageInZone: ComplianceRule = {
  id: 'TSLJ-RES-7',
  area: 'residency',
  title: 'Google Cloud Storage buckets name their residency zone and are located on its continent',
  fix: `label the bucket ${GCS_ZONE_LABEL} = <zone> and set its location to a region, dual-region or multi-region on that zone's continent (e.g. EU for a GDPR zone)`,
  resourceTypes: ['google_storage_bucket'],
  check: (app) =>
    resourcesOfType(app, 'google_storage_bucket').flatMap((b) => {
      const labels = (b.attributes.labels ?? {}) as Record<string, unknown>;
      const zone = labels[GCS_ZONE_LABEL];
      const location = b.attributes.location;
      const zones = app.config?.residencyZones.map((z) => z.id) ?? [];
      if (typeof zone !== 'string' || !zones.includes(zone))
        return [
          {
            path: b.path,
            reason: `label ${GCS_ZONE_LABEL} ${JSON.stringify(zone)} names no residency zone of the config (${zones.join(', ') || 'none'}): where its data may live cannot be checked`,
          },
        ];
      const continent = typeof location === 'string' ? continentOfGcsLocation(location) : undefined;
      const allowed = continentsOfZone(app, zone);
      if (continent === undefined)
        return [
          {
            path: b.path,
            reason: `location ${JSON.stringify(location)} is on no known continent: whether it is in zone "${zone}" cannot be proven at synth`,
          },
        ];
      return allowed.has(continent)
        ? []
        : [
            {
              path: b.path,
              reason: `holds data of zone "${zone}" (${[...allowed].join(', ')}) in location ${String(location)} on ${continent}`,
            },
          ];
    }),
};
