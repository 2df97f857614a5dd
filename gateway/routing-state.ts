/**
 * The routing objects that belong to one routing table — router, failover controller and health
 * checker — built and swapped together on reload, so a request never sees a router of one table
 * with the failover state of another.
 */
import { FailoverController, type RegionSnapshot } from '../runtime/failover';
import { HealthChecker, type HealthSignal, type ProbeFn } from '../runtime/health';
import { RegionRouter, type RouteRequest, type RouteResult } from '../runtime/router';
import type { RoutingTable } from '../runtime/routing-table';

export interface RoutingStateOptions {
  /** Proxies whose X-Forwarded-For is trusted. */
  readonly trustedProxies: readonly string[];
  /** True while the region has at least one upstream instance. */
  readonly hasUpstream: (region: string) => boolean;
  /** Active health checks (off in some unit tests). */
  readonly activeHealthChecks: boolean;
  /** Probe for active checks. @default the runtime's fetch probe */
  readonly probe?: ProbeFn;
  /** Told about every health signal (metrics). */
  readonly onSignal?: (signal: HealthSignal) => void;
}

export class RoutingState {
  readonly router: RegionRouter;
  readonly failover: FailoverController;
  readonly health: HealthChecker;
  /** Region left out of the next decision (the one that just failed, for a retry). */
  #excluded: string | undefined;

  constructor(
    readonly table: RoutingTable,
    private readonly options: RoutingStateOptions,
  ) {
    this.failover = new FailoverController(table);
    this.health = new HealthChecker(table, options.probe === undefined ? {} : { probe: options.probe });
    this.failover.attach(this.health);
    if (options.onSignal) this.health.onSignal(options.onSignal);
    this.router = new RegionRouter(table, {
      trustedProxies: options.trustedProxies,
      health: (region) => region !== this.#excluded && options.hasUpstream(region) && this.failover.isHealthy(region),
    });
  }

  /** Routes a request; `exclude` is a region that must not be chosen (it just failed this request). */
  route(request: RouteRequest, exclude?: string): RouteResult {
    this.#excluded = exclude;
    try {
      return this.router.route(request);
    } finally {
      this.#excluded = undefined;
    }
  }

  /** Points the active health check of `region` at `origin` (or removes it). */
  setHealthTarget(region: string, origin: string | undefined): void {
    if (this.health.targetUrl(region) !== undefined) this.health.removeTarget(region);
    if (origin !== undefined && this.options.activeHealthChecks) this.health.addTarget(region, origin);
  }

  start(): void {
    if (this.options.activeHealthChecks) this.health.start();
  }

  /** Feeds a live-traffic result (passive health). */
  record(region: string, ok: boolean, latencyMs: number): void {
    this.health.recordResult(region, { ok, latencyMs: Math.max(0, latencyMs) });
  }

  regions(): RegionSnapshot[] {
    return this.failover.snapshots();
  }

  dispose(): void {
    this.health.stop();
    this.failover.dispose();
  }
}
