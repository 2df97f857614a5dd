/**
 * RoutingRuntime: the routing table, its failover controller, health checks and router as one
 * unit, so a gateway swaps all of them together when the table is reloaded.
 *
 * Each request reads `current` once (or calls `route`) and uses that one consistent
 * {@link RuntimeState}; `reload(table)` builds the next state beside it and swaps it in with a single
 * assignment. Region state survives a reload for every region the new table still has: failover
 * status, recovery step and the time left on its timers, streaks, health-check targets and the
 * live-traffic error window. Regions the new table drops are forgotten; new regions start healthy.
 * A table that is not valid changes nothing and reports every problem.
 */
import { type Clock, systemClock } from './clock';
import { type ListenerErrorHandler, TypedEmitter } from './events';
import { FailoverController, type TransitionEvent, type TransitionListener } from './failover-controller';
import { HealthChecker, type HealthCheckerOptions } from './health';
import type { InstanceCheckResult } from './health-prober';
import type { TrafficSignal } from './health-signals';
import {
  RegionRouter,
  type DecisionInput,
  type RegionRouterOptions,
  type RouteDecision,
  type RouteRequest,
  type RouteResult,
} from './router';
import { parseRoutingTable, RoutingTableError, type RoutingTable, type RoutingTableProblem } from './routing-table';

/** One consistent set: the table and what was built from it. */
export interface RuntimeState {
  /** Increases by one with every accepted reload; the first state is 1. */
  readonly version: number;
  readonly table: RoutingTable;
  readonly router: RegionRouter;
  readonly failover: FailoverController;
  readonly health: HealthChecker;
}

/** What a reload did. */
export type RuntimeReloadResult =
  | { ok: true; state: RuntimeState; added: string[]; removed: string[]; kept: string[] }
  | { ok: false; problems: RoutingTableProblem[]; state: RuntimeState };

/** The events of a {@link RoutingRuntime}. */
export type RoutingRuntimeEvents = {
  /** A failover transition of the current state's controller. */
  transition: TransitionEvent;
  /** A new table was accepted. */
  reloaded: { version: number; added: string[]; removed: string[]; kept: string[] };
  /** One instance's result within a region's active check (regions with several instances). */
  instance: InstanceCheckResult;
};

export interface RoutingRuntimeOptions {
  /** Time and timers for every part. @default systemClock */
  readonly clock?: Clock;
  /** Router options (the runtime supplies health and shares from its controller). @default {} */
  readonly router?: Omit<RegionRouterOptions, 'health' | 'shares'>;
  /** Health-check options (probe, window, retries). @default {} */
  readonly health?: Omit<HealthCheckerOptions, 'clock' | 'onListenerError'>;
  /** Where errors thrown by any listener go. @default warnListenerError */
  readonly onListenerError?: ListenerErrorHandler;
}

export class RoutingRuntime {
  readonly #clock: Clock;
  readonly #options: RoutingRuntimeOptions;
  readonly #events: TypedEmitter<RoutingRuntimeEvents>;
  #state: RuntimeState;
  #detach: () => void = () => undefined;
  #running = false;
  #disposed = false;

  /** Throws {@link RoutingTableError} (every problem named) for an invalid table, Error for invalid options. */
  constructor(table: RoutingTable | unknown, options: RoutingRuntimeOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#options = options;
    this.#events = new TypedEmitter({ name: 'RoutingRuntime', onListenerError: options.onListenerError });
    const parsed = parseRoutingTable(table);
    if (!parsed.ok) throw new RoutingTableError(parsed.problems);
    this.#state = this.#build(parsed.table, 1, undefined);
    this.#wire(this.#state);
  }

  /** The state to use for one request (read it once per request). */
  get current(): RuntimeState {
    return this.#state;
  }

  /**
   * Routes a request with the current state's router. After {@link dispose} it still answers, from
   * the last state as it was (its health and shares frozen): a request in flight when its gateway
   * stops is not failed for that.
   */
  route(request: RouteRequest): RouteResult {
    return this.#state.router.route(request);
  }

  /** Decides for a user with the current state's router. */
  decide(input: DecisionInput): RouteDecision {
    return this.#state.router.decide(input);
  }

  /** Records one live-traffic result (passive outlier detection) for a region of the current table. */
  recordResult(region: string, result: { ok: boolean; latencyMs: number }): TrafficSignal {
    return this.#state.health.recordResult(region, result);
  }

  /** Adds an active health-check target; it is kept across reloads while the region exists. Throws after {@link dispose}. */
  addTarget(region: string, baseUrl: string | readonly string[]): void {
    this.#assertLive('addTarget');
    this.#state.health.addTarget(region, baseUrl);
  }

  removeTarget(region: string): void {
    this.#state.health.removeTarget(region);
  }

  /** Starts active health checks (and keeps them running across reloads). Throws after {@link dispose}. */
  start(): void {
    this.#assertLive('start');
    this.#running = true;
    this.#state.health.start();
  }

  stop(): void {
    this.#running = false;
    this.#state.health.stop();
  }

  /** Subscribes to failover transitions, across reloads; returns the unsubscribe function. */
  onTransition(listener: TransitionListener): () => void {
    return this.#events.on('transition', listener);
  }

  /** Subscribes to each instance's active-check result, across reloads; returns the unsubscribe function. */
  onInstanceResult(listener: (result: InstanceCheckResult) => void): () => void {
    return this.#events.on('instance', listener);
  }

  /** Subscribes to accepted reloads; returns the unsubscribe function. */
  onReload(listener: (event: RoutingRuntimeEvents['reloaded']) => void): () => void {
    return this.#events.on('reloaded', listener);
  }

  /**
   * Swaps in a new table with its controller, health checks and router, keeping the state of the
   * regions that still exist. An invalid table keeps the current state and returns its problems.
   */
  reload(table: RoutingTable | unknown): RuntimeReloadResult {
    this.#assertLive('reload');
    const parsed = parseRoutingTable(table);
    if (!parsed.ok) return { ok: false, problems: parsed.problems, state: this.#state };
    const previous = this.#state;
    // Build everything first: a part that rejects the table (say the router's defaultRegion is
    // gone) leaves the current state untouched.
    let next: RuntimeState;
    try {
      next = this.#build(parsed.table, previous.version + 1, previous);
    } catch (err) {
      return {
        ok: false,
        problems: [{ path: '', message: `cannot be used with this runtime's options: ${(err as Error).message}` }],
        state: previous,
      };
    }
    const before = new Set(previous.table.regions.map((r) => r.id));
    const after = new Set(parsed.table.regions.map((r) => r.id));
    const added = [...after].filter((r) => !before.has(r));
    const removed = [...before].filter((r) => !after.has(r));
    const kept = [...after].filter((r) => before.has(r));
    for (const [region, baseUrl] of previous.health.prober.targetBaseUrls()) if (after.has(region)) next.health.addTarget(region, baseUrl);
    next.health.outliers.adoptWindows(previous.health.outliers);
    this.#detach();
    previous.health.stop();
    previous.failover.dispose();
    this.#state = next;
    this.#wire(next);
    if (this.#running) next.health.start();
    const event = { version: next.version, added, removed, kept };
    this.#events.emit('reloaded', event);
    return { ok: true, state: next, ...event };
  }

  /**
   * Stops health checks and cancels every timer, for good: `start`, `addTarget` and `reload` throw
   * afterwards (`route`, `decide` and `recordResult` go on answering from the last state).
   */
  dispose(): void {
    this.#disposed = true;
    this.#running = false;
    this.#detach();
    this.#state.health.stop();
    this.#state.failover.dispose();
  }

  #assertLive(method: string): void {
    if (this.#disposed) throw new Error(`RoutingRuntime.${method}: the runtime is disposed`);
  }

  #build(table: RoutingTable, version: number, previous: RuntimeState | undefined): RuntimeState {
    const failover = new FailoverController(table, {
      clock: this.#clock,
      previous: previous?.failover,
      onListenerError: this.#options.onListenerError,
    });
    try {
      const health = new HealthChecker(table, {
        ...this.#options.health,
        clock: this.#clock,
        onListenerError: this.#options.onListenerError,
      });
      // prepare(): shard tables and geo data now, so no request pays for them (a server's start).
      const router = new RegionRouter(table, { ...this.#options.router, health: failover }).prepare();
      return { version, table, router, failover, health };
    } catch (err) {
      failover.dispose(); // it may have re-armed timers taken over from the previous controller
      throw err;
    }
  }

  #wire(state: RuntimeState): void {
    const offSignals = state.failover.attach(state.health);
    const offTransitions = state.failover.onTransition((e) => this.#events.emit('transition', e));
    const offInstances = state.health.prober.onInstanceResult((e) => this.#events.emit('instance', e));
    this.#detach = () => {
      offSignals();
      offTransitions();
      offInstances();
    };
  }
}
