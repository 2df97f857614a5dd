import { MAX_TIMER_DELAY_MS, ManualClock, sleep, systemClock } from '../../runtime/clock';

describe('ManualClock', () => {
  it('fires due timers in due order, ties in scheduling order, and not before they are due', () => {
    const clock = new ManualClock(1000);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push(`b@${clock.now()}`), 200);
    clock.setTimeout(() => fired.push(`a@${clock.now()}`), 100);
    clock.setTimeout(() => fired.push(`a2@${clock.now()}`), 100);
    clock.advance(99);
    expect(fired).toEqual([]);
    expect(clock.now()).toBe(1099);
    clock.advance(150);
    expect(fired).toEqual(['a@1100', 'a2@1100', 'b@1200']);
    expect(clock.now()).toBe(1249);
  });

  it('fires timers scheduled by a timer within the same advance, and honours clearTimeout', () => {
    const clock = new ManualClock();
    const fired: number[] = [];
    const cancelled = clock.setTimeout(() => fired.push(-1), 50);
    clock.setTimeout(() => {
      fired.push(clock.now());
      clock.setTimeout(() => fired.push(clock.now()), 30);
    }, 40);
    clock.clearTimeout(cancelled);
    expect(clock.pendingTimers()).toBe(1);
    clock.advance(100);
    expect(fired).toEqual([40, 70]);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('advanceAsync lets promise chains started by a timer settle before the next timer', async () => {
    const clock = new ManualClock();
    const order: string[] = [];
    clock.setTimeout(() => {
      void Promise.resolve()
        .then(() => Promise.resolve())
        .then(() => order.push('async-after-10'));
    }, 10);
    clock.setTimeout(() => order.push('timer-20'), 20);
    await clock.advanceAsync(30);
    expect(order).toEqual(['async-after-10', 'timer-20']);
  });

  it('sleep resolves on the manual clock only when advanced', async () => {
    const clock = new ManualClock();
    let done = false;
    void sleep(clock, 500).then(() => (done = true));
    await clock.advanceAsync(499);
    expect(done).toBe(false);
    await clock.advanceAsync(1);
    expect(done).toBe(true);
  });

  it('rejects negative or non-finite advances with a clear error', () => {
    const clock = new ManualClock();
    expect(() => clock.advance(-1)).toThrow(/ms must be a finite number >= 0, got -1/);
    expect(() => clock.advance(Number.NaN)).toThrow(/got NaN/);
  });
});

describe('systemClock', () => {
  it('schedules and cancels real timers', async () => {
    const start = systemClock.now();
    let cancelledFired = false;
    const h = systemClock.setTimeout(() => (cancelledFired = true), 5);
    systemClock.clearTimeout(h);
    await sleep(systemClock, 20);
    expect(cancelledFired).toBe(false);
    expect(systemClock.now() - start).toBeGreaterThanOrEqual(15);
  });
});

describe('monotonic time and long delays', () => {
  it('ManualClock: a wall-clock step moves now() only, never monotonicNow() or timers', () => {
    const clock = new ManualClock(1_000);
    let fired = false;
    clock.setTimeout(() => (fired = true), 500);
    clock.stepWallClock(-10_000);
    expect(clock.now()).toBe(-9_000);
    expect(clock.monotonicNow()).toBe(1_000);
    clock.advance(500);
    expect(fired).toBe(true);
    expect(clock.monotonicNow()).toBe(1_500);
    expect(() => clock.stepWallClock(Number.NaN)).toThrow(/stepWallClock: ms must be a finite number, got NaN/);
  });

  it('rejects timer delays that are not finite numbers instead of firing them at once', () => {
    const clock = new ManualClock();
    expect(() => clock.setTimeout(() => undefined, Number.NaN)).toThrow(/setTimeout: ms must be a finite number of milliseconds, got NaN/);
    expect(() => systemClock.setTimeout(() => undefined, Infinity)).toThrow(/got Infinity/);
  });

  it('systemClock honours delays above 2^31 - 1 ms (Node alone fires them after 1 ms)', () => {
    jest.useFakeTimers();
    try {
      let fired = false;
      systemClock.setTimeout(() => (fired = true), MAX_TIMER_DELAY_MS + 5_000);
      jest.advanceTimersByTime(1_000);
      expect(fired).toBe(false);
      jest.advanceTimersByTime(MAX_TIMER_DELAY_MS);
      expect(fired).toBe(false);
      jest.advanceTimersByTime(4_000);
      expect(fired).toBe(true);
      const cancelled = systemClock.setTimeout(() => (fired = false), MAX_TIMER_DELAY_MS * 2);
      jest.advanceTimersByTime(MAX_TIMER_DELAY_MS + 1);
      systemClock.clearTimeout(cancelled); // cancels the second leg
      jest.advanceTimersByTime(MAX_TIMER_DELAY_MS * 2);
      expect(fired).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });

  it('systemClock.monotonicNow is performance.now', () => {
    const a = systemClock.monotonicNow();
    expect(Math.abs(a - performance.now())).toBeLessThan(50);
  });
});
