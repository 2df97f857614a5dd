/**
 * The runtime's one event emitter: typed events, and one listener-error policy for every module.
 *
 * Listener-error policy: a listener (metrics, logging, the gateway) can never break the module that
 * emits nor hide the event from the listeners after it. When a listener throws, the error is caught,
 * the remaining listeners still run, and the error goes to the emitter's `onListenerError` handler;
 * the default handler reports it as a process warning (`process.emitWarning`, type
 * `RuntimeListenerError`), so it is never silent and never crashes the emitter's caller. A handler
 * that throws itself is reported the same way, once, and otherwise ignored.
 */
import { invalidInput } from '../private/invalid-input';

/** Called with the error a listener threw, the event name and the emitter's name. */
export type ListenerErrorHandler = (error: unknown, event: string, emitter: string) => void;

/** The default {@link ListenerErrorHandler}: a process warning naming the emitter and event. */
export const warnListenerError: ListenerErrorHandler = (error, event, emitter) => {
  const message = error instanceof Error ? error.message : String(error);
  process.emitWarning(`${emitter}: a "${event}" listener threw: ${message}`, { type: 'RuntimeListenerError' });
};

/**
 * Calls one callback-style listener (a registry watch) under the same policy as
 * {@link TypedEmitter}: an error it throws goes to `onListenerError`, never to the caller.
 */
export function callListener<T>(
  listener: (payload: T) => void,
  payload: T,
  event: string,
  emitter: string,
  onListenerError: ListenerErrorHandler = warnListenerError,
): void {
  try {
    listener(payload);
  } catch (error) {
    try {
      onListenerError(error, event, emitter);
    } catch (handlerError) {
      warnListenerError(handlerError, `${event} (onListenerError)`, emitter);
    }
  }
}

export interface TypedEmitterOptions {
  /** Name used in reports, e.g. `FailoverController`. */
  readonly name: string;
  /** Where listener errors go. @default warnListenerError */
  readonly onListenerError?: ListenerErrorHandler;
}

/** Events map: event name → payload type. */
export type EventMap = Record<string, unknown>;

export class TypedEmitter<Events extends EventMap> {
  readonly #name: string;
  readonly #onListenerError: ListenerErrorHandler;
  readonly #listeners = new Map<keyof Events, Array<(payload: never) => void>>();

  constructor(options: TypedEmitterOptions) {
    this.#name = options.name;
    this.#onListenerError = options.onListenerError ?? warnListenerError;
  }

  /** Subscribes; returns the unsubscribe function (calling it twice is harmless). A listener that is not a function throws a TypeError. */
  on<K extends keyof Events>(event: K, listener: (payload: Events[K]) => void): () => void {
    if (typeof listener !== 'function')
      throw invalidInput(`${this.#name}: listener of "${String(event)}"`, listener, 'a function (event) => void');
    const list = [...(this.#listeners.get(event) ?? []), listener as (payload: never) => void];
    this.#listeners.set(event, list);
    return () => {
      const current = this.#listeners.get(event);
      if (current === undefined) return;
      const next = current.filter((l) => l !== listener);
      if (next.length === 0) this.#listeners.delete(event);
      else this.#listeners.set(event, next);
    };
  }

  /** Number of listeners of an event. */
  listenerCount<K extends keyof Events>(event: K): number {
    return this.#listeners.get(event)?.length ?? 0;
  }

  /** True when someone listens: lets a hot path skip building a payload nobody reads. */
  hasListeners<K extends keyof Events>(event: K): boolean {
    return this.#listeners.has(event);
  }

  /** Calls every listener of `event` in subscription order; see the module comment for errors. */
  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const list = this.#listeners.get(event);
    if (list === undefined) return;
    // The array is replaced, never mutated, on (un)subscribe: iterating it is safe.
    for (const listener of list) {
      try {
        (listener as (payload: Events[K]) => void)(payload);
      } catch (error) {
        this.#report(error, String(event));
      }
    }
  }

  #report(error: unknown, event: string): void {
    try {
      this.#onListenerError(error, event, this.#name);
    } catch (handlerError) {
      warnListenerError(handlerError, `${event} (onListenerError)`, this.#name);
    }
  }
}
