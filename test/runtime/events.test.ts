import { callListener, TypedEmitter } from '../../runtime/events';

type Events = { tick: number; done: { ok: boolean } };

describe('TypedEmitter', () => {
  it('calls listeners in order; unsubscribe removes only that listener', () => {
    const e = new TypedEmitter<Events>({ name: 'test' });
    const seen: string[] = [];
    const offA = e.on('tick', (n) => seen.push(`a${n}`));
    e.on('tick', (n) => seen.push(`b${n}`));
    e.on('done', (d) => seen.push(`done:${d.ok}`));
    e.emit('tick', 1);
    offA();
    offA();
    e.emit('tick', 2);
    e.emit('done', { ok: true });
    expect(seen).toEqual(['a1', 'b1', 'b2', 'done:true']);
    expect(e.listenerCount('tick')).toBe(1);
  });

  it('a throwing listener goes to onListenerError; the others still run and emit does not throw', () => {
    const errors: string[] = [];
    const e = new TypedEmitter<Events>({
      name: 'Probe',
      onListenerError: (err, event, name) => errors.push(`${name}/${event}/${String(err)}`),
    });
    const seen: number[] = [];
    e.on('tick', () => {
      throw new Error('boom');
    });
    e.on('tick', (n) => seen.push(n));
    expect(() => e.emit('tick', 7)).not.toThrow();
    expect(seen).toEqual([7]);
    expect(errors).toEqual(['Probe/tick/Error: boom']);
  });

  it('by default reports listener errors as a process warning, never silently', () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const e = new TypedEmitter<Events>({ name: 'FailoverController' });
      e.on('tick', () => {
        throw new Error('metrics down');
      });
      e.emit('tick', 1);
      expect(warn).toHaveBeenCalledWith('FailoverController: a "tick" listener threw: metrics down', { type: 'RuntimeListenerError' });
      // A handler that throws is reported too, and does not escape.
      const bad = new TypedEmitter<Events>({
        name: 'X',
        onListenerError: () => {
          throw new Error('handler broken');
        },
      });
      bad.on('tick', () => {
        throw new Error('first');
      });
      expect(() => bad.emit('tick', 1)).not.toThrow();
      expect(warn).toHaveBeenLastCalledWith('X: a "tick (onListenerError)" listener threw: handler broken', {
        type: 'RuntimeListenerError',
      });
    } finally {
      warn.mockRestore();
    }
  });

  it('a listener added or removed while emitting does not change the current emit', () => {
    const e = new TypedEmitter<Events>({ name: 'test' });
    const seen: string[] = [];
    let off: () => void = () => undefined;
    e.on('tick', () => {
      seen.push('first');
      off();
      e.on('tick', () => seen.push('late'));
    });
    off = e.on('tick', () => seen.push('second'));
    e.emit('tick', 1);
    expect(seen).toEqual(['first', 'second']);
  });

  it('callListener applies the same policy to a single callback (registry watches)', () => {
    const errors: string[] = [];
    expect(() =>
      callListener(
        () => {
          throw new Error('watcher broke');
        },
        1,
        'watch',
        'MemoryRegistry',
        (err, event, name) => errors.push(`${name}/${event}/${String(err)}`),
      ),
    ).not.toThrow();
    expect(errors).toEqual(['MemoryRegistry/watch/Error: watcher broke']);
  });
});
