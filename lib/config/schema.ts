/**
 * The schema of `regions.config.ts`: every field, its default and what is allowed.
 *
 * Field-level rules live in the zod schema; rules that relate fields to each other (a country in
 * two regions, overlapping CIDRs, one primary per continent …) live in `validate.ts` (and `reserved-capacity.ts`, `edge-checks.ts`).
 */
import { z } from 'zod';
import {
  DEFAULT_ALERTS,
  DEFAULT_AUTO_SCALING,
  DEFAULT_CDN,
  DEFAULT_DATABASE,
  DEFAULT_FAILOVER,
  DEFAULT_RESERVED_CAPACITY,
  DEFAULT_ROUTING,
} from './defaults';
import {
  AZ_COUNT,
  DNS_NAME as DNS_NAME_RULE,
  GATEWAY_ADMIN_PORT,
  GATEWAY_OWN_PATHS,
  ID_MAX_LENGTH,
  KUBERNETES_VERSION,
  PROJECT_NAME,
  MAX_DURATION_SECONDS,
  REGION_ID,
  RESIDENCY_ZONE_ID,
  SHARD_ID,
} from '../limits';
import { DEFAULT_PRICES } from './prices';
import { REASON_IN_WORDS, reasonInWordsProblem, visibleText } from './text';
import { ROUTING_TABLE_LIMITS } from '../../runtime/routing-table';
import { HTTP_REQUEST_DURATION_BUCKETS } from '../../runtime/metric-names';
import { priceDateText } from '../../runtime/price-date';

/** The continents that get a stack each. */
export const CONTINENTS = ['APAC', 'EMEA', 'NA'] as const;
export type Continent = (typeof CONTINENTS)[number];

/** The data-protection regimes the design names. */
export const COMPLIANCE_REGIMES = ['PDPO', 'PDPA', 'APPI', 'DPDP', 'GDPR', 'BDSG', 'DPA', 'CCPA', 'HIPAA', 'PIPEDA'] as const;
export type ComplianceRegime = (typeof COMPLIANCE_REGIMES)[number];

/** What a region runs; `all` means every one of them. */
export const SERVICES = ['compute', 'storage', 'cdn'] as const;
export type Service = (typeof SERVICES)[number];

/** An EC2 instance type name, e.g. "c5.2xlarge", "c7i.metal-24xl". */
export const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\d[a-z0-9-]*\.(nano|micro|small|medium|large|metal(?:-\d+xl)?|\d*xlarge)$/;

/**
 * Upper bounds on sizes: far above any real platform, low enough that a mistake (a generated list
 * of millions) is one clear problem instead of millions of them or an exhausted heap.
 */
/** EKS service quota: nodes per managed node group (not adjustable). */
export const EKS_MAX_NODES_PER_NODE_GROUP = 450;

/** Largest prices accepted in the price table (sanity bounds, far above any AWS list price). */
export const PRICE_BOUNDS = { hourly: 10_000, perGb: 1_000 } as const;

export const CONFIG_BOUNDS = {
  /** Instances of one region's reserved-capacity baseline. */
  baselineCapacity: 100_000,
  /** Regions in the config (AWS has about 35). */
  regions: 128,
  /** Residency zones. */
  residencyZones: 32,
  /** Shards in total. */
  shards: 4096,
  /** Countries of one region (ISO 3166-1 has 249 codes). */
  countries: 300,
  /** Characters of an id, a CIDR, an AZ name or a short name. */
  idLength: ID_MAX_LENGTH,
  /** Characters of a free-text field (location, description) or a path. */
  textLength: 512,
  /** Items of any other list (reservations, recovery steps, copy targets). */
  listItems: 100,
} as const;

const regionId = z.string().max(CONFIG_BOUNDS.idLength).regex(REGION_ID.pattern, `must be ${REGION_ID.allowed}`);
const zoneId = z.string().max(RESIDENCY_ZONE_ID.maxLength).regex(RESIDENCY_ZONE_ID.pattern, `must be ${RESIDENCY_ZONE_ID.allowed}`);
/** A written reason for an override: a sentence, not a flag. */
const writtenReason = z
  .string()
  .max(CONFIG_BOUNDS.textLength)
  // Ten visible characters: ten zero-width spaces passed as a legal basis (found by review).
  .refine((text) => visibleText(text).length >= 10, 'must say why in words (at least 10 visible characters)');
/**
 * A legal basis or a reason others rely on (a copy to another zone, where the global service events
 * go): a reason in words by the rule the compliance pack's suppressions follow (lib/config/text.ts),
 * so "xxxxxxxxxx" is no legal basis.
 */
const reasonInWords = z
  .string()
  .max(CONFIG_BOUNDS.textLength)
  .superRefine((text, ctx) => {
    const problem = reasonInWordsProblem(text);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `must say why in words (${problem}); allowed: ${REASON_IN_WORDS}` });
  });
/** A text a person reads (a location, a source): not empty, not only white space or invisible characters. */
const readableText = z
  .string()
  .min(1)
  .max(CONFIG_BOUNDS.textLength)
  .refine((text) => text === '' || visibleText(text).length > 0, 'must hold visible text, not only white space or invisible characters');
/** RFC 3986 path: "/" then unreserved, sub-delims, ":", "@", "/" or %XX; no space, CR/LF, "?" or "#". */
const URL_PATH = /^\/(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})*$/;
const urlPath = z
  .string()
  .max(CONFIG_BOUNDS.textLength)
  .regex(URL_PATH, `must be a URL path: "/" then letters, digits, "-._~!$&'()*+,;=:@/" or %XX escapes (no spaces, CR/LF, "?" or "#")`);
/** DNS name: labels of 1-63 lower-case letters, digits and "-", not starting or ending with "-"; 253 characters at most. */
const DNS_NAME = DNS_NAME_RULE.pattern;
const dnsName = (example: string) =>
  z
    .string()
    .regex(
      DNS_NAME,
      `must be a lower-case DNS name such as "${example}" (labels of letters, digits and "-", not starting or ending with "-")`,
    );

const positiveInt = z.number().int().positive();
const percent = z.number().min(0).max(100);

const reservedInstance = z
  .object({
    /** EC2 instance type, e.g. "c5.2xlarge". */
    type: z.string().regex(INSTANCE_TYPE, 'must be an EC2 instance type such as "c5.2xlarge"'),
    /** Number of reserved instances. */
    count: positiveInt,
    /** Reservation term. */
    term: z.enum(['1year', '3year']),
  })
  .strict();

const reservedCapacity = z
  .object({
    /** Instances the region needs at its normal peak. */
    baselineCapacity: positiveInt.max(
      CONFIG_BOUNDS.baselineCapacity,
      `must be at most ${CONFIG_BOUNDS.baselineCapacity} instances (its node groups must also fit EKS's ${EKS_MAX_NODES_PER_NODE_GROUP} nodes each)`,
    ),
    /** Share of the baseline bought as reserved instances. */
    reservedPercent: percent,
    /** The reservations to buy (may be empty: a region with no reservation). */
    instanceTypes: z.array(reservedInstance).max(CONFIG_BOUNDS.listItems),
  })
  .strict();

/**
 * An instance-hour price: positive and at most PRICE_BOUNDS.hourly (the largest EC2 instances list
 * at a few hundred dollars an hour), so a typo such as 1e306 is refused instead of turning the
 * purchase plan's totals into Infinity and NaN.
 */
const hourlyPrice = z
  .number()
  .positive()
  .max(PRICE_BOUNDS.hourly, `must be at most ${PRICE_BOUNDS.hourly} per instance-hour (the largest EC2 instances list at a few hundred)`);
const unitPrice = (unit: string) =>
  z.number().nonnegative().max(PRICE_BOUNDS.perGb, `must be at most ${PRICE_BOUNDS.perGb} ${unit} (AWS lists cents per GB)`);

const instancePrice = z
  .object({
    /** On-demand price per instance-hour. */
    onDemandHourly: hourlyPrice,
    /** Effective hourly price of a 1-year reservation. */
    reserved1YearHourly: hourlyPrice,
    /** Effective hourly price of a 3-year reservation. */
    reserved3YearHourly: hourlyPrice,
  })
  .strict();

const regionPrices = z
  .object({
    /** Prices per EC2 instance type. */
    instances: z.record(z.string().regex(INSTANCE_TYPE, 'must be an EC2 instance type such as "c5.2xlarge"'), instancePrice),
    /** Object storage per GB-month. */
    storageGbMonth: unitPrice('per GB-month'),
    /** Data sent to the internet per GB. */
    networkGb: unitPrice('per GB sent'),
  })
  .strict();

/** The price table: per region and instance type, with its currency, source and date. */
const prices = z
  .object({
    /** ISO 4217 currency code of every figure, e.g. "USD". */
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code such as "USD"'),
    /** Where the figures come from (a person must be able to check them). */
    source: readableText,
    /** When the figures were valid: "YYYY-MM" or "YYYY-MM-DD", a date that exists and is not in the future (the cost planner's rule). */
    asOf: priceDateText,
    /** Payment option the reserved prices are for. */
    paymentOption: z.enum(['No Upfront', 'Partial Upfront', 'All Upfront']),
    /** Hours in a billing month (AWS prices monthly as 730 h). @default 730 */
    hoursPerMonth: z
      .number()
      .min(672, 'must be from 672 to 744 (the hours of a 28- to 31-day month)')
      .max(744, 'must be from 672 to 744 (the hours of a 28- to 31-day month)')
      .default(730),
    /** Prices per region id. */
    regions: z.record(regionId, regionPrices),
  })
  .strict();

/** Smallest `regions[].capacity`: one instance's worth of requests. */
export const MIN_REGION_CAPACITY = DEFAULT_RESERVED_CAPACITY.requestsPerInstance;
const CAPACITY_ALLOWED = `must be a whole number of requests from ${MIN_REGION_CAPACITY} to ${ROUTING_TABLE_LIMITS.capacity}: the requests the region absorbs at full load, at least one instance's worth (a node pool derived from it has one instance per ${DEFAULT_RESERVED_CAPACITY.requestsPerInstance} requests)`;

const region = z
  .object({
    /** Cloud region id, e.g. "eu-central-1". */
    id: regionId,
    /** Human place name. */
    location: readableText,
    /** Continent (and so stack) the region belongs to. */
    continent: z.enum(CONTINENTS),
    /** The continent's primary region (exactly one per continent). */
    primary: z.boolean().default(false),
    /** What the region runs: "all" or a subset. */
    services: z.union([z.literal('all'), z.array(z.enum(SERVICES)).min(1).max(SERVICES.length)]).default('all'),
    /** Data-protection regimes that apply in the region. */
    compliance: z.array(z.enum(COMPLIANCE_REGIMES)).max(COMPLIANCE_REGIMES.length),
    /** Residency zone the region's personal data belongs to. */
    residencyZone: zoneId,
    /** Availability zones (at least two, all inside the region). */
    availabilityZones: z
      .array(z.string().max(CONFIG_BOUNDS.idLength))
      .min(AZ_COUNT.min, `needs at least ${AZ_COUNT.min} availability zones`)
      .max(CONFIG_BOUNDS.listItems),
    /** IPv4 CIDR of the region's network, /16 to /20 (VPC_CIDR_PREFIX). */
    cidr: z.string().max(CONFIG_BOUNDS.idLength),
    /**
     * ISO 3166-1 alpha-2 codes of the countries this region serves: at least one for a region with
     * "compute", none for one without (it runs no gateway, so it serves no users).
     */
    countries: z.array(z.string().max(CONFIG_BOUNDS.idLength)).max(CONFIG_BOUNDS.countries).default([]),
    /** Latency (ms) above which the region counts as slow for its users. */
    latencyThresholdMs: z.number().positive().max(ROUTING_TABLE_LIMITS.latencyMs),
    /**
     * Requests the region absorbs at full load: a whole number, at least one instance's worth (the
     * derived node pool is one instance per `DEFAULT_RESERVED_CAPACITY.requestsPerInstance`
     * requests; 0.001 made a one-node region with a node group left out).
     */
    capacity: z.number().int(CAPACITY_ALLOWED).min(MIN_REGION_CAPACITY, CAPACITY_ALLOWED).max(ROUTING_TABLE_LIMITS.capacity),
    /** Reserved-instance plan of the region. @default none */
    reservedCapacity: reservedCapacity.optional(),
    /**
     * The region's EKS cluster (regions that serve compute). `kubernetesVersion`: "1.32" to "1.39";
     * EKS upgrades one minor at a time, so a cluster steps through each minor. @default { kubernetesVersion: "1.35" }
     */
    cluster: z
      .object({
        kubernetesVersion: z.string().regex(KUBERNETES_VERSION.pattern, `must be ${KUBERNETES_VERSION.allowed}`).optional(),
      })
      .strict()
      .optional(),
    /** Checks this region deliberately departs from, each with its written reason. @default none */
    overrides: z
      .object({
        /** Why a region id that the AWS region table (`aws-regions.ts`) does not list is used. */
        unknownRegion: writtenReason.optional(),
        /** Why the region is in a residency zone whose jurisdiction it does not match. */
        jurisdiction: writtenReason.optional(),
        /**
         * Why an availability-zone name the region table does not list is used: an older account's
         * (ap-northeast-1b), or a zone AWS opened after the table. The names are then checked by form.
         */
        availabilityZones: writtenReason.optional(),
        /**
         * The legal basis, per country of this region, for serving it from a zone with regions
         * outside where that country's law keeps its residents' data (data-protection.ts), e.g.
         * `{ DE: 'Standard contractual clauses (EU 2021/914), signed 2026-01' }`.
         */
        residency: z.record(z.string().max(CONFIG_BOUNDS.idLength), writtenReason).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

const residencyZone = z
  .object({
    /** Zone id, e.g. "emea". */
    id: zoneId,
    /** What the zone stands for. */
    description: z.string().max(CONFIG_BOUNDS.textLength).default(''),
    /**
     * Other zones this zone's personal data may be copied to: a zone id, or `{ zone, reason }` with the
     * legal basis written down — required when the other zone's regions are under a data-protection
     * regime this zone's regions are not (a transfer to another jurisdiction). @default none but itself
     */
    allowedCopyTo: z
      .array(z.union([zoneId, z.object({ zone: zoneId, reason: reasonInWords }).strict()]))
      .max(CONFIG_BOUNDS.listItems)
      .default([]),
    /**
     * Where the zone's law applies: its regions must be on these continents and under none but these
     * regimes (a region departs only with `overrides.jurisdiction`). @default the continent most of the zone's regions are on
     */
    jurisdiction: z
      .object({
        /** Continents the zone's regions may be on. @default any */
        continents: z.array(z.enum(CONTINENTS)).min(1).max(CONTINENTS.length).optional(),
        /** Data-protection regimes the zone's regions may be under. @default any */
        regimes: z.array(z.enum(COMPLIANCE_REGIMES)).min(1).max(COMPLIANCE_REGIMES.length).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

const shard = z
  .object({
    /** Shard id, unique. */
    id: z.string().max(SHARD_ID.maxLength).regex(SHARD_ID.pattern, `must be ${SHARD_ID.allowed}`),
    /** Residency zone whose users the shard holds. */
    residencyZone: zoneId,
    /** Relative share of the zone's keys. @default 1 */
    weight: z.number().positive().max(ROUTING_TABLE_LIMITS.shardWeight).default(1),
    /** Region that holds the shard's primary database. @default the zone's primary region */
    primaryRegion: regionId.optional(),
  })
  .strict();

/** A duration in seconds; at most what the gateway's timers can wait (the routing table holds it in ms). */
const seconds = z.number().positive().max(MAX_DURATION_SECONDS);
/** A counter of the failover rules (checks in a row); bounded like the routing table's counters. */
const count = z.number().int().positive().max(ROUTING_TABLE_LIMITS.count);

const failover = z
  .object({
    healthCheck: z
      .object({
        // The gateway answers this path with its readiness on the traffic port (the edge's monitor probes it there).
        path: urlPath
          .refine(
            (p) => !(GATEWAY_OWN_PATHS as readonly string[]).includes(p),
            `is not allowed; allowed: a path other than ${GATEWAY_OWN_PATHS.join(' and ')}, the gateway's own liveness and metrics paths (they answer 200 while it drains); the gateway answers this path with its readiness, such as "/health" or "/readyz"`,
          )
          .default(DEFAULT_FAILOVER.healthCheck.path),
        intervalSeconds: seconds.default(DEFAULT_FAILOVER.healthCheck.intervalSeconds),
        timeoutSeconds: seconds.default(DEFAULT_FAILOVER.healthCheck.timeoutSeconds),
        retries: z.number().int().min(0).max(10).default(DEFAULT_FAILOVER.healthCheck.retries),
      })
      .strict()
      .prefault({}),
    failureThresholds: z
      .object({
        serviceUnavailable: count.default(DEFAULT_FAILOVER.failureThresholds.serviceUnavailable),
        highLatency: count.default(DEFAULT_FAILOVER.failureThresholds.highLatency),
        errorRate: z.number().gt(0).lt(1).default(DEFAULT_FAILOVER.failureThresholds.errorRate),
      })
      .strict()
      .prefault({}),
    recoveryThresholds: z
      .object({
        consecutiveSuccess: count.default(DEFAULT_FAILOVER.recoveryThresholds.consecutiveSuccess),
        latencyImprovement: z.number().gt(0).max(1).default(DEFAULT_FAILOVER.recoveryThresholds.latencyImprovement),
      })
      .strict()
      .prefault({}),
    actions: z
      .object({
        reduceTrafficPercent: z.number().gt(0).lt(100).default(DEFAULT_FAILOVER.actions.reduceTrafficPercent),
        circuitBreakerSeconds: seconds.default(DEFAULT_FAILOVER.actions.circuitBreakerSeconds),
      })
      .strict()
      .prefault({}),
    recovery: z
      .object({
        stepsPercent: z
          .array(z.number().gt(0).max(100))
          .min(1)
          .max(CONFIG_BOUNDS.listItems)
          .default([...DEFAULT_FAILOVER.recovery.stepsPercent]),
        stepIntervalSeconds: seconds.default(DEFAULT_FAILOVER.recovery.stepIntervalSeconds),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});

const routing = z
  .object({
    maxLoadFactor: z.number().gt(0).max(1).default(DEFAULT_ROUTING.maxLoadFactor),
    loadWeight: z.number().min(0).max(ROUTING_TABLE_LIMITS.loadWeight).default(DEFAULT_ROUTING.loadWeight),
  })
  .strict()
  .prefault({});

const autoScaling = z
  .object({
    scaleOutThresholdPercent: z
      .number()
      .gt(0, 'must be > 0 and <= 100 (a node pool may grow to its baseline ÷ this share: at 0 without bound)')
      .max(100)
      .default(DEFAULT_AUTO_SCALING.scaleOutThresholdPercent),
    scaleInThresholdPercent: percent.default(DEFAULT_AUTO_SCALING.scaleInThresholdPercent),
    spotInstancePercent: percent.default(DEFAULT_AUTO_SCALING.spotInstancePercent),
  })
  .strict()
  .prefault({});

/**
 * Cloudflare's zone setting `browser_cache_ttl` takes only these values, seconds (Cloudflare API
 * schema `zones_browser_cache_ttl_value`, read 2026-11-27; 0, "respect existing headers", is not
 * offered here).
 */
export const CLOUDFLARE_BROWSER_CACHE_TTLS = [
  30, 60, 120, 300, 1200, 1800, 3600, 7200, 10800, 14400, 18000, 28800, 43200, 57600, 72000, 86400, 172800, 259200, 345600, 432000, 691200,
  1382400, 2073600, 2678400, 5356800, 16070400, 31536000,
] as const;
/**
 * Cloudflare's zone setting `edge_cache_ttl` takes only these values, seconds (Cloudflare API schema
 * `zones_edge_cache_ttl_value`, read 2026-11-28; the shortest a plan may set: Enterprise 30,
 * Business 1800, Pro 3600, Free 7200).
 */
export const CLOUDFLARE_EDGE_CACHE_TTLS = [
  30, 60, 300, 1200, 1800, 3600, 7200, 10800, 14400, 18000, 28800, 43200, 57600, 72000, 86400, 172800, 259200, 345600, 432000, 518400,
  604800,
] as const;
/** An edge cache TTL of a cache rule: at most one year (Cloudflare's longest). */
const edgeTtl = positiveInt.max(31_536_000, "must be at most 31536000 seconds (one year, Cloudflare's longest edge cache TTL)");

const cdn = z
  .object({
    cacheLevel: z.enum(['basic', 'simplified', 'aggressive']).default(DEFAULT_CDN.cacheLevel),
    browserCacheTtlSeconds: positiveInt
      .refine((v) => (CLOUDFLARE_BROWSER_CACHE_TTLS as readonly number[]).includes(v), {
        message: `must be one of the Browser Cache TTLs Cloudflare accepts: ${CLOUDFLARE_BROWSER_CACHE_TTLS.join(', ')}`,
      })
      .default(DEFAULT_CDN.browserCacheTtlSeconds),
    edgeCacheTtlSeconds: positiveInt
      .refine((v) => (CLOUDFLARE_EDGE_CACHE_TTLS as readonly number[]).includes(v), {
        message: `must be one of the Edge Cache TTLs Cloudflare's zone setting accepts (the shortest depends on the plan: Free 7200, Pro 3600, Business 1800, Enterprise 30): ${CLOUDFLARE_EDGE_CACHE_TTLS.join(', ')}`,
      })
      .default(DEFAULT_CDN.edgeCacheTtlSeconds),
    staticEdgeCacheTtlSeconds: edgeTtl.default(DEFAULT_CDN.staticEdgeCacheTtlSeconds),
    alwaysOnline: z.boolean().default(DEFAULT_CDN.alwaysOnline),
    staticPathPrefix: urlPath.endsWith('/', 'must end with "/"').default(DEFAULT_CDN.staticPathPrefix),
    apiPathPrefix: urlPath.endsWith('/', 'must end with "/"').default(DEFAULT_CDN.apiPathPrefix),
  })
  .strict()
  .superRefine((c, ctx) => {
    // Only the highest-priority page rule that matches applies: an API path under the static prefix
    // (or the same) would be cached for everyone at the edge; a static path under the API prefix
    // would be sent to the gateway origin and never cached. Reported on the inner (longer) prefix.
    const [api, stat] = [c.apiPathPrefix, c.staticPathPrefix];
    if (!api.startsWith(stat) && !stat.startsWith(api)) return;
    const apiInside = api.startsWith(stat);
    ctx.addIssue({
      code: 'custom',
      path: [apiInside ? 'apiPathPrefix' : 'staticPathPrefix'],
      message: `${api === stat ? 'is the same as' : 'is inside'} cdn.${apiInside ? `staticPathPrefix ${JSON.stringify(stat)}` : `apiPathPrefix ${JSON.stringify(api)}`} (${
        apiInside
          ? 'API answers would be cached at the edge and served to other users'
          : 'static paths would go to the gateway and never be cached'
      }); allowed: two prefixes neither of which starts with the other, such as "/api/" and "/static/"`,
    });
  })
  .prefault({});

/** A Prometheus `for:` or scrape interval: whole seconds (Prometheus durations take no fraction: `30.5s` is refused). */
const promDuration = seconds.int(
  `must be a whole number of seconds; allowed: 1 to ${Math.floor(ROUTING_TABLE_LIMITS.durationMs / 1000)} (a Prometheus duration takes no fraction)`,
);

/** A Prometheus interval of at most `max` seconds, the reason said in both messages (a fraction and a long one). */
const promDurationUpTo = (max: number, why: string) =>
  seconds
    .int(`must be a whole number of seconds; allowed: 1 to ${max} (${why}; a Prometheus duration takes no fraction)`)
    .max(max, `is too long; allowed: 1 to ${max} seconds (${why})`);

/** Alertmanagers one Prometheus may send to (a sanity bound: an HA Alertmanager cluster has 2-5). */
export const MAX_ALERTMANAGERS = 10;

/** `host:port` of an Alertmanager: a (possibly one-label, cluster-local) DNS name or IPv4 address, and a port 1-65535. */
const ALERTMANAGER_TARGET =
  /^(?=[^:]{1,253}:)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*:(6553[0-5]|655[0-2]\d|65[0-4]\d\d|6[0-4]\d{3}|[1-5]\d{4}|[1-9]\d{0,3})$/;

const alertmanagers = z
  .array(
    z
      .string()
      .max(CONFIG_BOUNDS.textLength)
      .regex(
        ALERTMANAGER_TARGET,
        'must be host:port of an Alertmanager, such as "alertmanager:9093" or "alertmanager.monitoring.svc.cluster.local:9093" (a lower-case DNS name or IPv4 address, then a port 1-65535; no scheme, path or user)',
      ),
  )
  .min(1, 'must list at least one Alertmanager (host:port), such as "alertmanager:9093": without one no alert is delivered to anyone')
  .max(MAX_ALERTMANAGERS, `must list at most ${MAX_ALERTMANAGERS} Alertmanagers`)
  .superRefine((targets, ctx) => {
    targets.forEach((t, i) => {
      const first = targets.indexOf(t);
      if (first !== i)
        ctx.addIssue({
          code: 'custom',
          path: [i],
          message: `is listed twice (also alerts.alertmanagers[${first}]); allowed: each Alertmanager once`,
        });
    });
  });

/**
 * Longest gateway scrape interval: the alert rules take rates over 5-minute windows, which need a
 * few samples each (4 at 75 s; at 150 s and more `rate()` has fewer than 2 and the alerts go blind
 * or fire on a normal region).
 */
export const MAX_GATEWAY_SCRAPE_INTERVAL_SECONDS = 75;
/** Longest rule evaluation interval of the central Prometheus: the `for` of the alerts are a minute or two. */
export const MAX_EVALUATION_INTERVAL_SECONDS = 60;
const FIRST_LATENCY_BUCKET = HTTP_REQUEST_DURATION_BUCKETS[0];
const LAST_LATENCY_BUCKET = HTTP_REQUEST_DURATION_BUCKETS[HTTP_REQUEST_DURATION_BUCKETS.length - 1];

const alerts = z
  .object({
    regionDownForSeconds: promDuration.default(DEFAULT_ALERTS.regionDownForSeconds),
    /** Inside the gateway histogram's finite buckets: above the last one histogram_quantile never reaches it, below the first every request exceeds it. */
    latencyP95Seconds: seconds
      .refine(
        (s) => s >= FIRST_LATENCY_BUCKET && s < LAST_LATENCY_BUCKET,
        `is outside the gateway's latency histogram; allowed: ${FIRST_LATENCY_BUCKET} to less than ${LAST_LATENCY_BUCKET} seconds (its finite buckets: above the last, p95 is never seen higher; below the first, every request is "slow")`,
      )
      .default(DEFAULT_ALERTS.latencyP95Seconds),
    latencyForSeconds: promDuration.default(DEFAULT_ALERTS.latencyForSeconds),
    errorRate: z
      .number({ error: 'must be a number; allowed: a fraction between 0 and 1 (0.05 = 5 %)' })
      .refine(
        (r) => r > 0 && r < 1,
        'is not allowed; allowed: a fraction between 0 and 1, exclusive (0.05 = 5 %; a percentage such as 5 is not)',
      )
      .default(DEFAULT_ALERTS.errorRate),
    errorRateForSeconds: promDuration.default(DEFAULT_ALERTS.errorRateForSeconds),
    scrapeIntervalSeconds: promDurationUpTo(
      MAX_EVALUATION_INTERVAL_SECONDS,
      'the central Prometheus evaluates the alert rules this often; their `for` are a minute or two',
    ).default(DEFAULT_ALERTS.scrapeIntervalSeconds),
    gatewayScrapeIntervalSeconds: promDurationUpTo(
      MAX_GATEWAY_SCRAPE_INTERVAL_SECONDS,
      'the alert rules take rates over 5-minute windows: at least 4 samples each',
    ).default(DEFAULT_ALERTS.gatewayScrapeIntervalSeconds),
    // The image's admin port only: no Deployment is synthesized that could pass the pod another one,
    // so scrape configs, network policies and the load balancer's check on any other port reach nothing.
    metricsPort: z
      .number()
      .int()
      .min(1)
      .max(65535)
      .refine(
        // `: boolean`, not an inferred type predicate: the field stays a number in the config's type.
        (p): boolean => p === GATEWAY_ADMIN_PORT,
        `is not allowed; allowed: ${GATEWAY_ADMIN_PORT}, the admin port the gateway image listens on (gateway/Dockerfile: --admin-port ${GATEWAY_ADMIN_PORT}); no Deployment is synthesized here that could give the pod another one, so the scrape configs, network policies and load-balancer health check would target a port the pod does not serve (to move it, change the image and GATEWAY_ADMIN_PORT in lib/limits.ts together)`,
      )
      .default(DEFAULT_ALERTS.metricsPort),
    remoteWriteUrl: z
      .string()
      .regex(
        /^https:\/\/[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*(:(6553[0-5]|655[0-2]\d|65[0-4]\d\d|6[0-4]\d{3}|[1-5]\d{4}|[1-9]\d{0,3}))?\/[\x21-\x7e]*$/,
        'must be the https:// URL of the central Prometheus\'s remote-write receiver, such as "https://prometheus.example.com/api/v1/write" (a port 1-65535 if not 443; no user or password: the agents present a bearer token)',
      )
      .optional(),
    /**
     * `host:port` of each Alertmanager the central Prometheus sends its alerts to (one Alertmanager,
     * or every member of an HA cluster: Prometheus sends each alert to all of them).
     * @default ["alertmanager:9093"]: the Service `alertmanager` in the central Prometheus's namespace
     */
    alertmanagers: alertmanagers.default([...DEFAULT_ALERTS.alertmanagers]),
  })
  .strict()
  .superRefine((a, ctx) => {
    // RegionDown, RegionUnreported and RegionOutOfTraffic hold for regionDownForSeconds: one failed
    // scrape (or one gauge sample at 0) stays the latest sample for a whole scrape interval, so a
    // `for` shorter than two intervals pages critical on a single missed scrape.
    const least = 2 * a.gatewayScrapeIntervalSeconds;
    if (a.regionDownForSeconds >= least) return;
    ctx.addIssue({
      code: 'custom',
      path: ['regionDownForSeconds'],
      message: `is ${a.regionDownForSeconds} s, shorter than two gateway scrapes (alerts.gatewayScrapeIntervalSeconds ${a.gatewayScrapeIntervalSeconds} s): one missed scrape would page RegionDown; allowed: at least ${least} s`,
    });
  })
  .prefault({});

// ---- the global edge (GlobalIngress, CdnZone, RegionIngress) ----
const hostName = dnsName('gateway.example.com');
const cloudflareId = z.string().regex(/^[0-9a-f]{32}$/, 'must be a Cloudflare id: 32 lower-case hex digits');

const edge = z
  .object({
    /** Existing Cloudflare zone of `project.domain`; @default none: CdnZone creates the zone */
    cloudflareZoneId: cloudflareId.optional(),
    /** Cloudflare account that owns the zone, pools and monitor; @default the Terraform variable `cloudflare_account_id` */
    cloudflareAccountId: cloudflareId.optional(),
    /** Public host name of a region's gateway (its load balancer), by region id; @default "<region>.gateway.<domain>" */
    gatewayHosts: z.record(z.string(), hostName).default({}),
    /** Host the design's origin rule sends `cdn.apiPathPrefix` requests to; @default "origin.<apiHost>" */
    apiOriginHost: hostName.optional(),
    /**
     * Load-balancer pools (region ids, in order) by country, replacing the default list (the
     * country's region, then the other compute regions of its zone in fallback order). Every pool
     * must be in the country's residency zone. @default none
     */
    countryPools: z.record(z.string(), z.array(regionId).min(1, 'must name at least one region')).default({}),
    /**
     * IPv4 ranges the regional load balancers accept HTTPS (and the HTTP redirect) from. The gateway
     * hosts resolve straight to the load balancers, so with the default anyone can call a gateway
     * around Cloudflare and Cloud Armor; list the ranges of Google's front ends that call an internet
     * NEG (DNS TXT record `_cloud-eoips.googleusercontent.com`) to close that path. Canonical CIDRs,
     * each once. At most 30: each range is two rules (443 and the port-80 redirect) on the
     * load-balancer security group, whose default quota is 60 inbound rules. @default ["0.0.0.0/0"]
     */
    loadBalancerSourceCidrs: z.array(z.string().max(CONFIG_BOUNDS.idLength)).min(1, 'must list at least one range').max(30).optional(),
  })
  .strict()
  .prefault({});

const database = z
  .object({
    /** RDS automated backups (point-in-time recovery), days. @default 7 */
    automatedBackupRetentionDays: z
      .number()
      .int()
      .min(7, 'must be at least 7 days')
      .max(35, 'must be at most 35 days (RDS limit)')
      .default(DEFAULT_DATABASE.automatedBackupRetentionDays),
    /** AWS Backup daily recovery points and their in-zone copies, days. @default 35 */
    backupRetentionDays: z
      .number()
      .int()
      .min(7, 'must be at least 7 days')
      .max(36_500, 'must be at most 36500 days (AWS Backup keeps recovery points up to 100 years)')
      .default(DEFAULT_DATABASE.backupRetentionDays),
    /** Replica lag (seconds) above which a replica's CloudWatch alarm fires. @default 30 */
    replicaLagThresholdSeconds: seconds.default(DEFAULT_DATABASE.replicaLagThresholdSeconds),
  })
  .strict()
  .prefault({});

const project = z
  .object({
    /** Short name used in resource names and tags. */
    name: z.string().regex(PROJECT_NAME.pattern, `must be ${PROJECT_NAME.allowed}`),
    /** Apex domain of the platform. */
    domain: dnsName('example.com'),
    /** Host name of the public API (a name under `domain`). */
    apiHost: dnsName('api.example.com'),
    /** Google Cloud project of the global edge. */
    gcpProject: z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, 'must be a Google Cloud project id (6-30 chars)'),
    /** AWS account id the stacks deploy to; when absent the stacks take it from the Terraform variable `aws_account_id`. @default none */
    awsAccountId: z
      .string()
      .regex(/^\d{12}$/, 'must be a 12-digit AWS account id')
      .optional(),
  })
  .strict();

/** The whole of `regions.config.ts`. */
export const regionsConfigSchema = z
  .object({
    project,
    residencyZones: z.array(residencyZone).min(1).max(CONFIG_BOUNDS.residencyZones),
    regions: z.array(region).min(1).max(CONFIG_BOUNDS.regions),
    /** Shards; @default `shardsPerZone` shards of weight 1 in each residency zone. */
    shards: z.array(shard).max(CONFIG_BOUNDS.shards).optional(),
    /** Shards generated per zone when `shards` is absent. @default 4 */
    shardsPerZone: z.number().int().min(1).max(1024).default(4),
    routing,
    failover,
    autoScaling,
    cdn,
    alerts,
    /** Price table of the purchase plan and the cost planner. @default DEFAULT_PRICES (lib/config/prices.ts: AWS list prices as of 2024-06, not re-verified) */
    prices: prices.prefault(DEFAULT_PRICES),
    edge,
    /** The data tier: backups and replica-lag alarm. */
    database,
    /**
     * Where the account's global service events (IAM, STS, console sign-in) are recorded when the
     * config has no us-east-1 (AWS delivers them to single-region trails only there): that region's
     * trail becomes a multi-region trail, which records every region's management events too, so a
     * config spanning several residency zones must say which zone keeps them, and why.
     * @default us-east-1 when the config has it; else the first region, if every region is in one zone
     */
    globalServiceEvents: z
      .object({
        /** The region whose trail records them (a region of this config). */
        region: z.string().min(1),
        /** Why that region's zone may keep every region's management events (audit metadata: operators, API calls): a reason in words. */
        reason: reasonInWords,
      })
      .strict()
      .optional(),
  })
  .strict();

/** What a user writes in `regions.config.ts` (defaults may be left out). */
export type RegionsConfigInput = z.input<typeof regionsConfigSchema>;
/** The config after validation, with every default filled in. */
export type ParsedRegionsConfig = z.output<typeof regionsConfigSchema>;
export type RegionInput = z.input<typeof region>;

/** Section schemas, for checking the valid parts of a config that fails as a whole. */
export const sectionSchemas = { region, residencyZone, shard, project, failover, autoScaling, prices, edge } as const;
export type ParsedRegion = z.output<typeof region>;
export type ReservedCapacityPlan = z.output<typeof reservedCapacity>;
export type ReservedInstancePlan = z.output<typeof reservedInstance>;
export type PriceTable = z.output<typeof prices>;
export type RegionPrices = z.output<typeof regionPrices>;
export type InstancePrice = z.output<typeof instancePrice>;
