/**
 * Time, injected.
 *
 * Every module of the health / failover / registry half of the runtime reads the time and
 * schedules work through a {@link Clock}, never through the globals, so tests can drive hours of
 * circuit breakers and recovery steps in milliseconds with a {@link ManualClock}.
 */

/** An opaque handle returned by {@link Clock.setTimeout}. */
export interface TimerHandle {
  readonly __timerHandle: true;
}

/**
 * The longest delay Node's timers honour (2^31 − 1 ms, about 24.8 days): a longer one fires after
 * 1 ms. {@link systemClock} splits longer delays into several timers instead.
 */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

export interface Clock {
  /**
   * Wall-clock milliseconds since the epoch (or since the clock's own origin for a
   * {@link ManualClock}). For timestamps a person reads; it may step back or jump (NTP), so never
   * subtract two readings to measure a duration: use {@link monotonicNow}.
   */
  now(): number;
  /**
   * Milliseconds from an arbitrary origin that never goes back (`performance.now()`): the only
   * source for durations (latencies, time windows).
   */
  monotonicNow(): number;
  /**
   * Runs `fn` once, `ms` milliseconds from now. Negative delays count as 0; a delay that is not a
   * finite number throws a RangeError. Delays above {@link MAX_TIMER_DELAY_MS} are honoured.
   */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer; cancelling a timer that already fired (or an unknown one) is a no-op. */
  clearTimeout(handle: TimerHandle): void;
}

interface SystemTimer extends TimerHandle {
  timeout: ReturnType<typeof setTimeout> | undefined;
}

/** Throws for a delay that is not a finite number; returns it clamped to >= 0. */
export function checkedDelay(ms: number, what = 'setTimeout: ms'): number {
  if (typeof ms !== 'number' || !Number.isFinite(ms))
    throw new RangeError(`${what} must be a finite number of milliseconds, got ${String(ms)}`);
  return Math.max(0, ms);
}

/** The real clock: `Date.now()`, `performance.now()` and Node's timers (long delays chained). */
export const systemClock: Clock = {
  now: () => Date.now(),
  monotonicNow: () => performance.now(),
  setTimeout(fn, ms) {
    const handle = { __timerHandle: true, timeout: undefined } as SystemTimer;
    const due = performance.now() + checkedDelay(ms);
    const arm = (left: number) => {
      handle.timeout = setTimeout(
        () => {
          const rest = due - performance.now();
          if (rest > 1) arm(rest);
          else fn();
        },
        Math.min(Math.max(0, left), MAX_TIMER_DELAY_MS),
      );
    };
    arm(due - performance.now());
    return handle;
  },
  clearTimeout(handle) {
    const timer = handle as Partial<SystemTimer>;
    if (timer.timeout !== undefined) clearTimeout(timer.timeout);
  },
};

/** Resolves after `ms` on the given clock. */
export function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => {
    clock.setTimeout(resolve, ms);
  });
}

interface ManualTimer extends TimerHandle {
  due: number;
  seq: number;
  fn: () => void;
}

/** Lets pending promise callbacks (and Node's I/O callbacks queued behind them) run. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * A clock that only moves when told to. Timers fire in order of due time, ties in the order they
 * were scheduled; a timer scheduled while advancing fires within the same advance if it falls due.
 */
export class ManualClock implements Clock {
  private current: number;
  /** Wall time minus monotonic time: moved by {@link stepWallClock} only. */
  private wallOffset = 0;
  private seq = 0;
  private readonly timers = new Set<ManualTimer>();

  constructor(startMs = 0) {
    if (!Number.isFinite(startMs)) throw new RangeError(`ManualClock: startMs must be a finite number, got ${String(startMs)}`);
    this.current = startMs;
  }

  now(): number {
    return this.current + this.wallOffset;
  }

  monotonicNow(): number {
    return this.current;
  }

  /**
   * Steps the wall clock (`now()`) by `ms`, forward or back, as NTP may: monotonic time and timers
   * are unaffected.
   */
  stepWallClock(ms: number): void {
    if (!Number.isFinite(ms)) throw new RangeError(`ManualClock.stepWallClock: ms must be a finite number, got ${String(ms)}`);
    this.wallOffset += ms;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const delay = checkedDelay(ms);
    const timer = { __timerHandle: true, due: this.current + delay, seq: this.seq++, fn } as ManualTimer;
    this.timers.add(timer);
    return timer;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle as ManualTimer);
  }

  /** Number of timers scheduled and not yet fired or cancelled. */
  pendingTimers(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms`, firing every timer that falls due, in order, synchronously. */
  advance(ms: number): void {
    const target = this.checkedTarget(ms);
    for (let next = this.nextDue(target); next; next = this.nextDue(target)) this.fire(next);
    this.current = target;
  }

  /**
   * Like {@link advance}, but yields to the event loop after every timer, so promise chains started
   * by a timer (async probes, re-registrations) settle before the next timer fires.
   */
  async advanceAsync(ms: number): Promise<void> {
    const target = this.checkedTarget(ms);
    await yieldToEventLoop();
    for (let next = this.nextDue(target); next; next = this.nextDue(target)) {
      this.fire(next);
      await yieldToEventLoop();
    }
    this.current = target;
    await yieldToEventLoop();
  }

  private checkedTarget(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`ManualClock.advance: ms must be a finite number >= 0, got ${String(ms)}`);
    return this.current + ms;
  }

  private nextDue(target: number): ManualTimer | undefined {
    let best: ManualTimer | undefined;
    for (const t of this.timers) {
      if (t.due > target) continue;
      if (!best || t.due < best.due || (t.due === best.due && t.seq < best.seq)) best = t;
    }
    return best;
  }

  private fire(timer: ManualTimer): void {
    this.timers.delete(timer);
    this.current = Math.max(this.current, timer.due);
    timer.fn();
  }
}
