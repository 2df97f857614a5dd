/**
 * Health signals for the failover controller, from two units:
 * - {@link HealthProber} (`health-prober.ts`): active HTTP checks;
 * - {@link OutlierDetector} (`health-outliers.ts`): passive outlier detection on live traffic.
 *
 * {@link HealthChecker} bundles one of each for the common case (one `onSignal`, one `attach`).
 * The ordering model of their signals is described in `health-signals.ts`.
 */
import type { Clock } from './clock';
import type { ListenerErrorHandler } from './events';
import { HealthProber, type ProbeFn } from './health-prober';
import { OutlierDetector } from './health-outliers';
import type { HealthListener, HealthSource, ProbeSignal, TrafficSignal } from './health-signals';
import type { RoutingTable } from './routing-table';

export * from './health-signals';
export * from './health-prober';
export * from './health-outliers';

export interface HealthCheckerOptions {
  /** Time and timers. @default systemClock */
  readonly clock?: Clock;
  /** The HTTP GET of active checks. @default fetchProbe */
  readonly probe?: ProbeFn;
  /** Window of passive results, ms; must not exceed circuitBreakerMs. @default 60 000 */
  readonly windowMs?: number;
  /** Results needed in the window before its error rate counts. @default 20 */
  readonly minSamples?: number;
  /** Time buckets of the passive window. @default 60 */
  readonly windowBuckets?: number;
  /** Delay between attempts of one check, ms. @default 0 (retry at once) */
  readonly retryDelayMs?: number;
  /** Where errors thrown by signal listeners go. @default warnListenerError */
  readonly onListenerError?: ListenerErrorHandler;
}

/** Active probing and passive outlier detection for the regions of one routing table. */
export class HealthChecker implements HealthSource {
  readonly prober: HealthProber;
  readonly outliers: OutlierDetector;

  constructor(
    readonly table: RoutingTable,
    options: HealthCheckerOptions = {},
  ) {
    this.prober = new HealthProber(table, {
      clock: options.clock,
      probe: options.probe,
      retryDelayMs: options.retryDelayMs,
      onListenerError: options.onListenerError,
    });
    this.outliers = new OutlierDetector(table, {
      clock: options.clock,
      windowMs: options.windowMs,
      minSamples: options.minSamples,
      buckets: options.windowBuckets,
      onListenerError: options.onListenerError,
    });
  }

  /** Subscribes to the signals of both units; returns the unsubscribe function. */
  onSignal(listener: HealthListener): () => void {
    const offProbe = this.prober.onSignal(listener);
    const offTraffic = this.outliers.onSignal(listener);
    return () => {
      offProbe();
      offTraffic();
    };
  }

  /** See {@link OutlierDetector.startEpisode}. */
  startEpisode(region: string): void {
    this.outliers.startEpisode(region);
  }

  /** See {@link HealthProber.addTarget}. */
  addTarget(region: string, baseUrl: string | readonly string[]): void {
    this.prober.addTarget(region, baseUrl);
  }

  removeTarget(region: string): void {
    this.prober.removeTarget(region);
  }

  targetUrl(region: string): string | undefined {
    return this.prober.targetUrl(region);
  }

  start(): void {
    this.prober.start();
  }

  stop(): void {
    this.prober.stop();
  }

  checkNow(region: string): Promise<ProbeSignal> {
    return this.prober.checkNow(region);
  }

  /** See {@link OutlierDetector.recordResult}. */
  recordResult(region: string, result: { ok: boolean; latencyMs: number }): TrafficSignal {
    return this.outliers.recordResult(region, result);
  }

  errorRate(region: string): { errorRate: number; samples: number } {
    return this.outliers.errorRate(region);
  }
}
