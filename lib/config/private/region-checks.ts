/**
 * Checks of a region against the world: the AWS region table (id, continent, AZ names) and the
 * jurisdiction of its residency zone. A departure is allowed only through the region's
 * `overrides` with a written reason, and an override that is not needed is itself a problem (so
 * overrides never linger after the table learns a region).
 */
import { formatValue, type Problem } from '../../../runtime/problem';
import { AWS_REGIONS, AWS_REGION_TABLE_DATE, availabilityZonesOf } from '../aws-regions';
import { REGIMES, RESIDENCY_RULES, regimesIn, type ResidencyRule } from '../data-protection';
import type { Continent, ParsedRegion, ParsedRegionsConfig } from '../schema';
import { ZONE_LETTERS } from '../../private/subnet-layout';

type Zone = ParsedRegionsConfig['residencyZones'][number];

/** Region id prefixes of the partitions other than "aws" (AWS documentation: ARN formats, partitions). */
const PARTITION_PREFIXES: readonly (readonly [string, string])[] = [
  ['cn-', 'aws-cn'],
  ['us-gov-', 'aws-us-gov'],
  ['us-iso-', 'aws-iso'],
  ['us-isob-', 'aws-iso-b'],
  ['eu-isoe-', 'aws-iso-e'],
  ['us-isof-', 'aws-iso-f'],
];

const list = (items: readonly unknown[]) => items.map((v) => formatValue(v)).join(', ');

/** The region's id, continent and AZ names against the AWS region table. */
export function regionTableProblems(region: ParsedRegion, at: string): Problem[] {
  const problems: Problem[] = [];
  const info = AWS_REGIONS.get(region.id);
  const override = region.overrides?.unknownRegion;
  if (!info) {
    const partition = PARTITION_PREFIXES.find(([prefix]) => region.id.startsWith(prefix))?.[1];
    if (partition)
      problems.push({
        path: `${at}.id`,
        value: region.id,
        message: `names a region of the ${formatValue(partition)} partition (its prefix says so), which needs its own account, credentials and "arn:${partition}:" ARNs: the stacks build ARNs for the "aws" partition only; allowed: a region of the "aws" partition`,
      });
    else if (override === undefined) {
      const family = region.id.replace(/-\d+$/, '');
      const near = [...AWS_REGIONS.keys()].filter((id) => id.startsWith(`${family}-`));
      problems.push({
        path: `${at}.id`,
        value: region.id,
        message:
          `is not an AWS region in the region table (lib/config/aws-regions.ts, AWS documentation as of ${AWS_REGION_TABLE_DATE}); ` +
          `allowed: ${near.length ? `a listed region such as ${list(near)}` : 'a listed region such as "eu-west-1"'}, ` +
          'or set overrides.unknownRegion to the reason for using a region the table does not know',
      });
    }
    // Unknown region, declared on purpose: its AZ names can only be checked by their form. AWS's
    // letters run a to f, and the network lays its subnets out by the letter (lib/private/subnet-layout.ts).
    region.availabilityZones.forEach((az, j) => {
      if (!new RegExp(`^${region.id}[${ZONE_LETTERS}]$`).test(az))
        problems.push({
          path: `${at}.availabilityZones[${j}]`,
          value: az,
          message: `is not an availability zone of ${region.id}; allowed: "${region.id}" followed by one letter a to f, e.g. "${region.id}a"`,
        });
    });
    return problems;
  }
  if (info.partition !== 'aws')
    problems.push({
      path: `${at}.id`,
      value: region.id,
      message:
        `is in the ${formatValue(info.partition)} partition (${info.location}), which needs its own account, credentials and ` +
        `"arn:${info.partition}:" ARNs: the stacks build ARNs for the "aws" partition only; allowed: a region of the "aws" partition`,
    });
  if (override !== undefined)
    problems.push({
      path: `${at}.overrides.unknownRegion`,
      value: override,
      message: `is not needed: ${region.id} is in the region table (${info.location}); remove the override`,
    });
  if (region.continent !== info.continent)
    problems.push({
      path: `${at}.continent`,
      value: region.continent,
      message: `does not match ${region.id}, which is ${info.location}; allowed: ${formatValue(info.continent)}`,
    });
  // A compliance label is a statement about where the region is: it must be a regime of its country.
  const applying = regimesIn(info.country);
  // Empty only where no regime the config knows applies (Sydney, São Paulo, Zurich …): a region in
  // the EU that names none would hide the GDPR from every check that reads the labels.
  if (region.compliance.length === 0 && applying.length > 0)
    problems.push({
      path: `${at}.compliance`,
      value: region.compliance,
      message: `is empty, but ${list(applying)} appl${applying.length === 1 ? 'ies' : 'y'} in ${region.id} (${info.location}); allowed: a list of them`,
    });
  region.compliance.forEach((regime, j) => {
    if (applying.includes(regime)) return;
    problems.push({
      path: `${at}.compliance[${j}]`,
      value: regime,
      message:
        `does not apply in ${region.id}, which is in ${info.location} (${info.country}): the ${REGIMES[regime].law} applies to regions in ${REGIMES[regime].where}; ` +
        `allowed: ${applying.length ? list(applying) : `[] (no regime the config knows applies in ${info.country}: leave compliance empty, or add its law to COMPLIANCE_REGIMES and lib/config/data-protection.ts)`}`,
    });
  });
  const allowed = availabilityZonesOf(info);
  // AZ names are per account: an older account has names a new one lacks (ap-northeast-1b), and
  // AWS opens zones after the table's date. With a written reason the names are checked by form.
  const azOverride = region.overrides?.availabilityZones;
  const unlisted = region.availabilityZones.filter((az) => !allowed.includes(az));
  region.availabilityZones.forEach((az, j) => {
    if (allowed.includes(az)) return;
    if (azOverride !== undefined && new RegExp(`^${region.id}[${ZONE_LETTERS}]$`).test(az)) return;
    problems.push({
      path: `${at}.availabilityZones[${j}]`,
      value: az,
      message: `is not an availability zone of ${region.id}; allowed: ${list(allowed)}${azOverride === undefined ? `, or another "${region.id}" letter a to f with overrides.availabilityZones set to the reason (an older account's zone, or one opened after the table of ${AWS_REGION_TABLE_DATE})` : ''}`,
    });
  });
  if (azOverride !== undefined && unlisted.length === 0)
    problems.push({
      path: `${at}.overrides.availabilityZones`,
      value: azOverride,
      message: `is not needed: every availability zone of ${region.id} is in the region table; remove the override`,
    });
  return problems;
}

/**
 * Every region of a residency zone must be inside the zone's jurisdiction: on one of its
 * continents and under none but its regimes. A zone that declares no jurisdiction has the
 * continent most of its regions are on. Personal data of a zone stays in the zone, so a region that does
 * not belong would put it under another law.
 */
export function jurisdictionProblems(regions: readonly (ParsedRegion | undefined)[], zones: readonly (Zone | undefined)[]): Problem[] {
  const problems: Problem[] = [];
  const zoneById = new Map<string, { zone: Zone; index: number }>();
  zones.forEach((zone, index) => {
    if (zone && !zoneById.has(zone.id)) zoneById.set(zone.id, { zone, index });
  });
  // Without a declared jurisdiction, a zone's continent is the one most of its regions are on
  // (the first such region's on a tie): one region put in the wrong zone is the one reported.
  const perZone = new Map<string, Map<Continent, number>>();
  for (const region of regions) {
    if (!region) continue;
    const counts = perZone.get(region.residencyZone) ?? new Map<Continent, number>();
    counts.set(region.continent, (counts.get(region.continent) ?? 0) + 1);
    perZone.set(region.residencyZone, counts);
  }
  const zoneContinent = (zone: string): { continent: Continent; count: number; total: number } => {
    const counts = [...perZone.get(zone)!];
    const [continent, count] = counts.reduce((best, next) => (next[1] > best[1] ? next : best));
    return { continent, count, total: counts.reduce((n, [, k]) => n + k, 0) };
  };

  // A zone under the GDPR (declared, or claimed by one of its regions) holds its personal data in
  // every one of its regions: each must be where the GDPR applies.
  const gdprZones = new Set<string>();
  for (const zone of zones) if (zone?.jurisdiction?.regimes?.includes('GDPR')) gdprZones.add(zone.id);
  for (const region of regions) if (region?.compliance.includes('GDPR')) gdprZones.add(region.residencyZone);

  regions.forEach((region, i) => {
    if (!region) return;
    const entry = zoneById.get(region.residencyZone);
    if (!entry) return; // an undeclared zone is reported by the zone check
    const { zone, index } = entry;
    const at = `regions[${i}]`;
    const declared = zone.jurisdiction;
    const usual = zoneContinent(zone.id);
    const continents = declared?.continents ?? (declared?.regimes ? undefined : [usual.continent]);
    const why: string[] = [];
    if (continents && !continents.includes(region.continent))
      why.push(
        declared?.continents
          ? `${region.id} is in ${region.continent}, but the zone's jurisdiction is ${list(continents)}`
          : `${region.id} is in ${region.continent}, but the zone's regions are in ${usual.continent} (${usual.count} of ${usual.total}; the zone declares no jurisdiction)`,
      );
    const foreign = declared?.regimes ? region.compliance.filter((regime) => !declared.regimes!.includes(regime)) : [];
    if (foreign.length)
      why.push(
        `${region.id} is under ${list(foreign)}, which the zone's jurisdiction does not include (regimes: ${list(declared!.regimes!)})`,
      );
    const info = AWS_REGIONS.get(region.id);
    if (gdprZones.has(zone.id) && info && !REGIMES.GDPR.countries.includes(info.country))
      why.push(
        `${region.id} is in ${info.location} (${info.country}), where the GDPR does not apply, but zone "${zone.id}" is under the GDPR: its personal data may only be held in ${REGIMES.GDPR.where}`,
      );
    const override = region.overrides?.jurisdiction;
    if (why.length && override === undefined)
      problems.push({
        path: `${at}.residencyZone`,
        value: region.residencyZone,
        message:
          `is a zone this region does not belong to: ${why.join('; ')}; personal data of a zone must stay under its law. ` +
          `Allowed: a zone of ${region.continent}, a wider residencyZones[${index}].jurisdiction, or overrides.jurisdiction with the reason`,
      });
    else if (!why.length && override !== undefined)
      problems.push({
        path: `${at}.overrides.jurisdiction`,
        value: override,
        message: `is not needed: ${region.id} matches the jurisdiction of zone "${zone.id}"; remove the override`,
      });
  });
  return problems;
}

/** Where a region is, for messages: "us-east-1 (US East (N. Virginia), US)". */
const placeOf = (region: ParsedRegion): string => {
  const info = AWS_REGIONS.get(region.id);
  return info
    ? `${region.id} (${info.location}, ${info.country})`
    : `${region.id} (not in the region table; compliance ${list(region.compliance)})`;
};

/** Whether `region` is where `rule` lets its countries' data be held (a region the table does not know: by its compliance). */
const insideRule = (rule: ResidencyRule, region: ParsedRegion): boolean => {
  const info = AWS_REGIONS.get(region.id);
  return info ? rule.regionCountries.includes(info.country) : region.compliance.includes(rule.regime);
};

const isCompute = (region: ParsedRegion): boolean => region.services === 'all' || region.services.includes('compute');

/**
 * Each country a data-protection law keeps at home (lib/config/data-protection.ts: the EU/EEA, the
 * UK, Switzerland) must be served by a region whose residency zone has all its regions where that
 * law allows: the zone's database replicas, backups and gateways hold its residents' data. A
 * departure needs the legal basis in the serving region's `overrides.residency[<country>]`, and
 * an override that is not needed is refused.
 */
export function countryResidencyProblems(regions: readonly (ParsedRegion | undefined)[]): Problem[] {
  const problems: Problem[] = [];
  const valid = regions.filter((r): r is ParsedRegion => r !== undefined);
  // Per zone and rule: the regions of the zone outside the rule's places (memoised).
  const outsideCache = new Map<string, ParsedRegion[]>();
  const outside = (zone: string, rule: ResidencyRule): ParsedRegion[] => {
    const key = `${zone}\u0000${rule.law}`;
    let hit = outsideCache.get(key);
    if (!hit) {
      hit = valid.filter((r) => r.residencyZone === zone && !insideRule(rule, r));
      outsideCache.set(key, hit);
    }
    return hit;
  };
  regions.forEach((region, i) => {
    if (!region) return;
    const at = `regions[${i}]`;
    const overrides = region.overrides?.residency ?? {};
    const used = new Set<string>();
    // The countries of this region each rule finds outside its places (one problem per rule: a
    // region in the wrong zone is one cause, not one per country).
    const hits = new Map<ResidencyRule, { country: string; index: number }[]>();
    region.countries.forEach((country, j) => {
      const rule = RESIDENCY_RULES.find((r) => r.countries.includes(country));
      if (!rule || outside(region.residencyZone, rule).length === 0) return;
      if (overrides[country] !== undefined) used.add(country);
      else hits.set(rule, [...(hits.get(rule) ?? []), { country, index: j }]);
    });
    for (const [rule, countries] of hits) {
      const away = outside(region.residencyZone, rule);
      const fit = valid.filter((r) => isCompute(r) && outside(r.residencyZone, rule).length === 0).map((r) => r.id);
      const one = countries.length === 1 ? countries[0] : undefined;
      problems.push({
        path: one ? `${at}.countries[${one.index}]` : `${at}.countries`,
        value: one ? one.country : countries.map((c) => c.country),
        message:
          `${one ? 'is a country' : `lists ${countries.length} countries`} protected by ${rule.law}, but ${region.id}'s residency zone "${region.residencyZone}" has regions outside ${rule.where}: ${away.map(placeOf).join(', ')}; ` +
          `${one ? 'its' : 'their'} residents' personal data would be stored and copied there. Allowed: a compute region of a zone whose regions are all in ${rule.where}` +
          `${fit.length ? ` (${list(fit)})` : ' (none in this config)'}, or overrides.residency.${one ? one.country : '<country>'} on ${region.id} with the legal basis`,
      });
    }
    for (const [country, reason] of Object.entries(overrides)) {
      if (used.has(country)) continue;
      problems.push({
        path: `${at}.overrides.residency.${country}`,
        value: reason,
        message: region.countries.includes(country)
          ? `is not needed: every region of zone "${region.residencyZone}" is where the law of ${country} lets its residents' data be held; remove the override`
          : `names a country ${region.id} does not serve; allowed: a country of its countries list whose law needs it`,
      });
    }
  });
  return problems;
}
