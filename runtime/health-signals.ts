/**
 * What the health sources tell the failover controller.
 *
 * Ordering model: only active probes can complete out of order (they are asynchronous), so only
 * probes carry a sequence number, taken when the check starts, counted per prober (`source`) and
 * region. The controller drops a probe result only when a later-started probe of the same source
 * and region has already been applied. Live-traffic signals are computed synchronously from the
 * current window when a result is recorded, so they are always current and never dropped; a probe
 * result is never "older" than traffic it did not see. A new prober has its own source id, so a
 * controller that outlives a prober applies the new one's results from its first check.
 */

/** How one active check ended. */
export type ProbeOutcome = 'success' | 'slow' | 'failure';

export interface ProbeSignal {
  kind: 'probe';
  region: string;
  /**
   * The prober that made the check; sequence numbers are compared only within one source.
   * @default '' (signals applied by hand form one source)
   */
  source?: string;
  /** Per-source, per-region sequence number, assigned when the check started. */
  seq: number;
  outcome: ProbeOutcome;
  /** Latency of the successful attempt, or of the last failed one (monotonic clock). */
  latencyMs: number;
  /** Attempts made (1 + retries at most). */
  attempts: number;
  status?: number;
  error?: string;
  /** Wall-clock time the check ended (for people; never used for durations). */
  at: number;
}

export interface TrafficSignal {
  kind: 'traffic';
  region: string;
  /** Errors / samples in the window; 0 when the window is empty. */
  errorRate: number;
  samples: number;
  /** True when samples >= minSamples and errorRate > failureThresholds.errorRate. */
  errorRateExceeded: boolean;
  /** Latency of the result that produced this signal. */
  latencyMs: number;
  /** Wall-clock time of the result. */
  at: number;
}

export type HealthSignal = ProbeSignal | TrafficSignal;
export type HealthListener = (signal: HealthSignal) => void;

/** Anything a `FailoverController` can attach to. */
export interface HealthSource {
  onSignal(listener: HealthListener): () => void;
  /**
   * Forgets what the source has gathered about a region's live traffic (its error window): the
   * controller calls it when the region starts recovering from failed or an open circuit. @default nothing to forget
   */
  startEpisode?(region: string): void;
}

/** The events of a health source. */
export type HealthEvents = { signal: HealthSignal };

let sources = 0;
/** A process-unique source id for a new prober, e.g. `prober-3`. */
export function newSourceId(prefix: string): string {
  sources += 1;
  return `${prefix}-${sources}`;
}
