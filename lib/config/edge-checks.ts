/**
 * Relations of the `edge` section (host names, Cloudflare ids, country pools) to the rest of the
 * config. Called by validate.ts on a valid config, and on an invalid one whose project, failover,
 * edge and region sections pass their own schemas (so one run names every problem).
 */
import { GATEWAY_HOST_MAX_LENGTH, isInDomain, otherRegionNamedBy, refusalHostOf, regionApiHostOf } from '../edge/hostnames';
import { formatCidr, nonInternetBlockOf, parseCidr } from '../private/cidr';
import { formatPath } from '../../runtime/problem';
import type { ConfigProblem } from './errors';
import { SERVICES, type ParsedRegionsConfig } from './schema';

/** What the edge checks read of a region. */
export type EdgeCheckRegion = Pick<ParsedRegionsConfig['regions'][number], 'id' | 'services' | 'residencyZone' | 'countries'>;

/** Why a host of the edge's own records may not be the zone apex. */
function apexProblem(domain: string, example: string): string {
  return `is the zone apex "${domain}": the edge would write its own DNS record for the apex, beside or in conflict with the records the site's address already has there; allowed: a name under "${domain}", such as ${example}`;
}

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

  // The names the edge itself answers under the API host: the API host, its proxied wildcard (the
  // region-pinned `<region>.<apiHost>` names, the origin host by default, the refusal host). A
  // gateway's direct DNS record there would collide with the API record or override the wildcard
  // for that name (a region-pinned host sent straight to another region's load balancer, past the
  // edge's residency rules).
  const { apiHost } = cfg.project;
  const underApi = (host: string) => host === apiHost || host.endsWith(`.${apiHost}`);
  const hosts = new Map<string, string>();
  const coveredDefaults: string[] = [];
  for (const regionId of gatewayIds)
    if (cfg.edge.gatewayHosts[regionId] === undefined) {
      const host = `${regionId}.gateway.${domain}`; // the default
      hosts.set(host, regionId);
      if (apiHost !== domain && underApi(host)) coveredDefaults.push(host);
    }
  if (coveredDefaults.length > 0)
    add(
      'project.apiHost',
      apiHost,
      `covers the default ${someHosts(coveredDefaults, (h) => `"${h}"`)} (a direct record under the edge's proxied *.${apiHost} wildcard bypasses the edge); allowed: an API host such as "api.${domain}", or edge.gatewayHosts outside it`,
    );
  // Each gateway host is the first (only) name of its region's ACM certificate, which ACM limits to
  // 64 characters (the certificate's common name): a longer one passed synth and failed at apply.
  const longDefaults = [...hosts.keys()].filter((h) => h.length > GATEWAY_HOST_MAX_LENGTH);
  if (longDefaults.length > 0)
    add(
      'project.domain',
      domain,
      `makes the default ${someHosts(longDefaults, (h) => `"${h}" (${h.length} characters)`)} longer than ${GATEWAY_HOST_MAX_LENGTH} characters, the most ACM takes for a certificate's name; allowed: a shorter domain, or edge.gatewayHosts with shorter names for ${longDefaults.map((h) => hosts.get(h)).join(', ')}`,
    );
  for (const [regionId, host] of Object.entries(cfg.edge.gatewayHosts)) {
    const at = formatPath(['edge', 'gatewayHosts', regionId]); // edge.gatewayHosts["eu-west-1"], as the schema's problems say it
    if (host.length > GATEWAY_HOST_MAX_LENGTH)
      add(
        at,
        host,
        `has ${host.length} characters; allowed: at most ${GATEWAY_HOST_MAX_LENGTH} (the most ACM takes for a certificate's name)`,
      );
    if (!runsGateway(regionId)) add(at, host, `names no region that runs the gateway; allowed keys: ${gatewayIds.join(', ') || '(none)'}`);
    if (!isInDomain(host, domain)) add(at, host, `must be a name under "${domain}" (its DNS record lives in that zone)`);
    else if (host === domain) add(at, host, apexProblem(domain, `"${regionId}.gateway.${domain}"`));
    else if (underApi(host))
      add(
        at,
        host,
        `must not be "${apiHost}" or a name under it (the edge's proxied API records and its *.${apiHost} wildcard); allowed: a name under "${domain}" outside "${apiHost}"${underApi(`${regionId}.gateway.${domain}`) ? '' : `, such as "${regionId}.gateway.${domain}"`}`,
      );
    // The same rule RegionIngress applies at synth: a validated config never fails there.
    const other = otherRegionNamedBy(host, regionId);
    if (other !== undefined)
      add(at, host, `names region ${other} and not ${regionId}; allowed: a host of ${regionId}, such as "${regionId}.gateway.${domain}"`);
    const owner = hosts.get(host);
    if (owner !== undefined)
      add(
        at,
        host,
        `is already the gateway host of ${owner}${cfg.edge.gatewayHosts[owner] === undefined ? ' (its default)' : ''}; each region needs its own`,
      );
    hosts.set(host, regionId);
  }
  const origin = cfg.edge.apiOriginHost;
  if (origin !== undefined) {
    if (!isInDomain(origin, domain))
      add('edge.apiOriginHost', origin, `must be a name under "${domain}" (Cloudflare origin rules resolve names of the zone)`);
    else if (origin === domain) add('edge.apiOriginHost', origin, apexProblem(domain, `"origin.${apiHost}"`));
    else if (origin === apiHost || origin === refusalHostOf(cfg) || gatewayIds.some((id) => origin === regionApiHostOf(cfg, id)))
      add(
        'edge.apiOriginHost',
        origin,
        `is a name the edge already answers (the API host, a region-pinned "<region>.${apiHost}" or the refusal host); allowed: another name, such as "origin.${apiHost}"`,
      );
    else if (hosts.has(origin))
      add(
        'edge.apiOriginHost',
        origin,
        `is the gateway host of ${hosts.get(origin)} (a direct, unproxied record); allowed: a name of its own`,
      );
  }

  for (const [country, regions] of Object.entries(cfg.edge.countryPools)) {
    const countryZone = zoneOfCountry.get(country);
    if (countryZone === undefined) {
      add(
        formatPath(['edge', 'countryPools', country]),
        regions,
        'names a country no region serves; allowed: a country listed in some region\'s "countries"',
      );
      continue;
    }
    if (new Set(regions).size !== regions.length) add(formatPath(['edge', 'countryPools', country]), regions, 'lists a region twice');
    regions.forEach((regionId, j) => {
      const at = formatPath(['edge', 'countryPools', country, j]);
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

  // Where the regional load balancers accept requests from: canonical IPv4 CIDRs, each once.
  const seenCidrs = new Set<string>();
  (cfg.edge.loadBalancerSourceCidrs ?? []).forEach((cidr, i) => {
    const at = `edge.loadBalancerSourceCidrs[${i}]`;
    const parsed = parseCidr(cidr);
    if ('error' in parsed)
      add(
        at,
        cidr,
        parsed.error.startsWith('must be')
          ? 'must be an IPv4 CIDR such as "34.96.0.0/20" (the load balancers take IPv4 only)'
          : `${parsed.error}; allowed: an IPv4 CIDR such as "34.96.0.0/20"`,
      );
    else if (formatCidr(parsed) !== cidr) add(at, cidr, `is not canonical; write it as ${JSON.stringify(formatCidr(parsed))}`);
    else if (nonInternetBlockOf(parsed) !== undefined)
      add(
        at,
        cidr,
        `is inside ${nonInternetBlockOf(parsed)}, a range no request from the internet comes from (private, loopback, link-local, documentation, multicast or reserved): the load balancers would refuse every request the edge (Google's front ends) sends them; allowed: public ranges, such as Google's internet-NEG ranges (DNS TXT _cloud-eoips.googleusercontent.com)`,
      );
    else if (seenCidrs.has(cidr)) add(at, cidr, 'is listed twice; each range once');
    seenCidrs.add(cidr);
  });

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

/** `gateway host "a"` / `gateway hosts "a", "b", "c", …`: the first three of `hosts`, each as `show` writes it. */
function someHosts(hosts: readonly string[], show: (host: string) => string): string {
  return `gateway host${hosts.length > 1 ? 's' : ''} ${hosts.slice(0, 3).map(show).join(', ')}${hosts.length > 3 ? ', …' : ''}`;
}
