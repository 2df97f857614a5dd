/**
 * The consecutive-outcome counters of one region, in constant memory: counts and latency sums,
 * never lists. Recording an outcome ends the other two streaks; that rule lives here and only here.
 */
import type { ProbeOutcome } from './health-signals';

export class Streaks {
  failures = 0;
  slow = 0;
  successes = 0;
  private slowLatencySum = 0;
  private successLatencySum = 0;

  /** Counts one check: its own streak grows, the two others end. */
  record(outcome: ProbeOutcome, latencyMs: number): void {
    if (outcome !== 'failure') this.failures = 0;
    if (outcome !== 'slow') this.endSlow();
    if (outcome !== 'success') this.endSuccess();
    switch (outcome) {
      case 'failure':
        this.failures += 1;
        break;
      case 'slow':
        this.slow += 1;
        this.slowLatencySum += latencyMs;
        break;
      case 'success':
        this.successes += 1;
        this.successLatencySum += latencyMs;
        break;
    }
  }

  endSuccess(): void {
    this.successes = 0;
    this.successLatencySum = 0;
  }

  endSlow(): void {
    this.slow = 0;
    this.slowLatencySum = 0;
  }

  /** Mean latency of the current slow streak (NaN when there is none). */
  get slowMeanMs(): number {
    return this.slowLatencySum / this.slow;
  }

  /** Mean latency of the current success streak (NaN when there is none). */
  get successMeanMs(): number {
    return this.successLatencySum / this.successes;
  }

  copyFrom(other: Streaks): void {
    this.failures = other.failures;
    this.slow = other.slow;
    this.successes = other.successes;
    this.slowLatencySum = other.slowLatencySum;
    this.successLatencySum = other.successLatencySum;
  }
}
