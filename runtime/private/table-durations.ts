import { MAX_TIMER_DELAY_MS } from '../clock';
import type { RoutingTable } from '../routing-table';

/**
 * Rejects failover durations a timer cannot honour: every delay of the table's `failover` block
 * must be a finite number of milliseconds in (0, 2^31 − 1] (about 24.8 days). The schema already
 * requires > 0; this adds the upper bound, naming the field, the value and the limit.
 */
export function checkTableDurations(table: RoutingTable, owner: string): void {
  const f = table.failover;
  const fields: Array<[string, number]> = [
    ['failover.healthCheck.intervalMs', f.healthCheck.intervalMs],
    ['failover.healthCheck.timeoutMs', f.healthCheck.timeoutMs],
    ['failover.actions.circuitBreakerMs', f.actions.circuitBreakerMs],
    ['failover.recovery.stepIntervalMs', f.recovery.stepIntervalMs],
  ];
  for (const [path, ms] of fields) {
    if (!(Number.isFinite(ms) && ms > 0 && ms <= MAX_TIMER_DELAY_MS)) {
      throw new RangeError(
        `${owner}: ${path} = ${String(ms)}; allowed: a number of milliseconds in (0, ${MAX_TIMER_DELAY_MS}] (about 24.8 days)`,
      );
    }
  }
}
