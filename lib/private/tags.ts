import type { RegionSpec } from '../config/model';

/** The tags every resource of a region carries (applied as the provider's default tags). */
export function regionTags(projectName: string, spec: RegionSpec): Record<string, string> {
  return {
    Project: projectName,
    Region: spec.id,
    Continent: spec.continent,
    ResidencyZone: spec.residencyZone,
    Compliance: spec.compliance.length > 0 ? spec.compliance.join('+') : 'none',
    ManagedBy: 'cdktf',
  };
}
