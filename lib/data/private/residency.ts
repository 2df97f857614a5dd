/** The residency rules of the data tier, with the messages every violation carries. */

export interface Placement {
  /** Region id. */
  readonly regionId: string;
  /** Residency zone of the region. */
  readonly residencyZone: string;
}

/**
 * A copy of personal data from `source` to `target` (a read replica): allowed inside the zone and
 * to zones in the source zone's `allowedCopyTo`. Throws naming both regions, both zones and the rule.
 */
export function assertCopyAllowed(
  path: string,
  what: string,
  source: Placement,
  target: Placement,
  allowedCopyTo: readonly string[],
): void {
  if (target.residencyZone === source.residencyZone || allowedCopyTo.includes(target.residencyZone)) return;
  const allowed = [...new Set([source.residencyZone, ...allowedCopyTo])];
  throw new Error(
    `${path}: ${what} in ${target.regionId} (residency zone "${target.residencyZone}") of data in ${source.regionId} ` +
      `(residency zone "${source.residencyZone}") is not allowed; zone "${source.residencyZone}" may copy personal data only to ` +
      `${allowed.map((z) => `"${z}"`).join(', ')} (residencyZones[].allowedCopyTo)`,
  );
}

/**
 * A link that must stay inside one residency zone (network peering, backup copy, image
 * replication): throws naming both regions, both zones and the rule.
 */
export function assertSameZone(path: string, what: string, a: Placement, b: Placement): void {
  if (a.residencyZone === b.residencyZone) return;
  throw new Error(
    `${path}: ${what} between ${a.regionId} (residency zone "${a.residencyZone}") and ${b.regionId} ` +
      `(residency zone "${b.residencyZone}") is not allowed; ${what} stays inside one residency zone`,
  );
}
