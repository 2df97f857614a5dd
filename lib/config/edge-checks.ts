/**
 * Relations of the `edge` section (host names, Cloudflare ids, country pools) to the rest of the
 * config. Called by validate.ts on a valid config, and on an invalid one whose project, failover,
 * edge and region sections pass their own schemas (so one run names every problem).
 */
import { isInDomain } from '../edge/hostnames';
import type { ConfigProblem } from './errors';
import { SERVICES, type ParsedRegionsConfig } from './schema';

/** What the edge checks read of a region. */
export type EdgeCheckRegion = Pick<ParsedRegionsConfig['regions'][number], 'id' | 'services' | 'residencyZone' | 'countries'>;

export function edgeConfigProblems(
  cfg: Pick<ParsedRegionsConfig, 'project' | 'edge' | 'failover'> & { readonly regions: readonly EdgeCheckRegion[] },
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const add = (path: string, value: unknown, message: string) => problems.push({ path, value, message });
  const { domain } = cfg.project;
  const runsGateway = (id: string) => {
    const r = cfg.regions.find((x) => x.id === id);
    return r !== undefined && (r.services === 'all' ? SERVICES : r.services).includes('compute');
  };
  const gatewayIds = cfg.regions.filter((r) => runsGateway(r.id)).map((r) => r.id);
  const zoneOfRegion = new Map(cfg.regions.map((r) => [r.id, r.residencyZone]));
  const zoneOfCountry = new Map(cfg.regions.flatMap((r) => r.countries.map((c) => [c, r.residencyZone] as const)));

  const hosts = new Map<string, string>();
  for (const [regionId, host] of Object.entries(cfg.edge.gatewayHosts)) {
    const at = `edge.gatewayHosts.${regionId}`;
    if (!runsGateway(regionId)) add(at, host, `names no region that runs the gateway; allowed keys: ${gatewayIds.join(', ') || '(none)'}`);
    if (!isInDomain(host, domain)) add(at, host, `must be a name under "${domain}" (its DNS record lives in that zone)`);
    if (hosts.has(host)) add(at, host, `is already the gateway host of ${hosts.get(host)}; each region needs its own`);
    hosts.set(host, regionId);
  }
  if (cfg.edge.apiOriginHost !== undefined && !isInDomain(cfg.edge.apiOriginHost, domain))
    add(
      'edge.apiOriginHost',
      cfg.edge.apiOriginHost,
      `must be a name under "${domain}" (Cloudflare origin rules resolve names of the zone)`,
    );

  for (const [country, regions] of Object.entries(cfg.edge.countryPools)) {
    const countryZone = zoneOfCountry.get(country);
    if (countryZone === undefined) {
      add(
        `edge.countryPools.${country}`,
        regions,
        'names a country no region serves; allowed: a country listed in some region\'s "countries"',
      );
      continue;
    }
    if (new Set(regions).size !== regions.length) add(`edge.countryPools.${country}`, regions, 'lists a region twice');
    regions.forEach((regionId, j) => {
      const at = `edge.countryPools.${country}[${j}]`;
      const poolZone = zoneOfRegion.get(regionId);
      if (!runsGateway(regionId)) add(at, regionId, `is not a region that runs the gateway; allowed: ${gatewayIds.join(', ')}`);
      else if (poolZone !== countryZone)
        add(
          at,
          regionId,
          `is the pool of residency zone "${poolZone}", but country ${country} belongs to zone "${countryZone}"; a country's pools must be in its own zone`,
        );
    });
  }

  // The design's health check drives the gateway load balancers' target groups (RegionIngress) and
  // the Cloudflare monitor (CdnZone): it must fit both products' limits.
  const hc = cfg.failover.healthCheck;
  const within = (path: string, value: number, min: number, max: number, why: string) => {
    if (!Number.isInteger(value) || value < min || value > max) add(path, value, `must be a whole number from ${min} to ${max} (${why})`);
  };
  within('failover.healthCheck.intervalSeconds', hc.intervalSeconds, 5, 300, 'ALB target-group health check interval');
  within(
    'failover.healthCheck.timeoutSeconds',
    hc.timeoutSeconds,
    2,
    10,
    'ALB health check 2-120 s, Cloudflare monitor timeout at most 10 s',
  );
  within('failover.healthCheck.retries', hc.retries, 2, 10, 'the ALB unhealthy threshold: 2-10 failed probes');
  within(
    'failover.recoveryThresholds.consecutiveSuccess',
    cfg.failover.recoveryThresholds.consecutiveSuccess,
    2,
    10,
    'the ALB healthy threshold: 2-10 passed probes',
  );
  return problems;
}
