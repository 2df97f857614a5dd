/**
 * cdktf records a full stack trace (Error.stackTraceLimit = MAX_SAFE_INTEGER, formatted and split)
 * for every token it creates — every reference between resources. The trace is read only in the
 * message of a token that fails to resolve. Over a synth of this platform that is about a tenth of
 * the CPU time (bench/synth). {@link withoutTokenStackTraces} turns the capture off for the
 * duration of a function and restores it after. cdktf 0.21.0 is the final release, so the private
 * module path is fixed; if it ever differs, nothing is patched.
 */
type StackTraceModule = { captureStackTrace?: (below?: unknown) => string[] };

function stackTraceModule(): StackTraceModule | undefined {
  try {
    return require('cdktf/lib/tokens/private/stack-trace') as StackTraceModule;
  } catch {
    return undefined;
  }
}

/** Runs `fn` with cdktf's token stack traces off (unless `keep`), restoring them afterwards. */
export function withoutTokenStackTraces<T>(fn: () => T, keep = false): T {
  const mod = keep ? undefined : stackTraceModule();
  const original = mod?.captureStackTrace;
  if (!mod || typeof original !== 'function') return fn();
  mod.captureStackTrace = () => [];
  try {
    return fn();
  } finally {
    mod.captureStackTrace = original;
  }
}
