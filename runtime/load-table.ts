/**
 * Reading the routing table from disk and keeping the last good one while it is reloaded.
 */
import { jsonParseFailure, looksBinary } from './private/json-text';
import { type ListenerErrorHandler, TypedEmitter } from './events';
import { findDuplicateKeys, jsonNestedDeeperThan, MAX_JSON_DEPTH } from './json-duplicate-keys';
import { FileTooLargeError, readTextBounded } from './read-bounded';
import { parseRoutingTable, RoutingTableError, type RoutingTable, type RoutingTableProblem } from './routing-table';

/** The default location synth writes the table to (relative to the working directory). */
export const DEFAULT_ROUTING_TABLE_PATH = 'cdktf.out/routing-table.json';

/** Largest routing table file read, in bytes (the ten-region table is ~25 KB; the schema's limits fit in a few MB). */
export const MAX_ROUTING_TABLE_BYTES = 16 * 1024 * 1024;

/**
 * Reads and validates a routing table file. Throws a {@link RoutingTableError} naming the file
 * when it cannot be read, is larger than {@link MAX_ROUTING_TABLE_BYTES}, is not JSON, repeats a
 * key inside an object (JSON.parse would keep the last one silently), or is not a valid table
 * (with every problem listed).
 */
export function loadRoutingTable(file: string): RoutingTable {
  let text: string;
  try {
    text = readTextBounded(file, MAX_ROUTING_TABLE_BYTES);
  } catch (err) {
    if (err instanceof FileTooLargeError)
      throw new RoutingTableError(
        [
          {
            path: '',
            value: `more than ${MAX_ROUTING_TABLE_BYTES} bytes`,
            message: `is too large for a routing table; at most ${MAX_ROUTING_TABLE_BYTES} bytes are read`,
          },
        ],
        file,
      );
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'file not found'
        : code === 'EISDIR'
          ? 'is a directory, not a file'
          : code === 'EACCES'
            ? 'permission denied'
            : (err as Error).message;
    throw new RoutingTableError([{ path: '', value: file, message: `cannot be read as the routing table: ${why}` }], file);
  }
  const result = parseRoutingTableText(text);
  if (!result.ok) throw new RoutingTableError(result.problems, file);
  return result.table;
}

/**
 * Validates a routing table given as JSON text: every problem of {@link parseRoutingTable}, and
 * before it text that is not JSON, nests too deep, or repeats a key inside an object (JSON.parse
 * would keep the last one silently). Never throws. What {@link loadRoutingTable} reads a file with,
 * and what the constructs that publish a table check it with.
 */
export function parseRoutingTableText(text: string): { ok: true; table: RoutingTable } | { ok: false; problems: RoutingTableProblem[] } {
  if (jsonNestedDeeperThan(text))
    return {
      ok: false,
      problems: [
        {
          path: '',
          value: text.slice(0, 40),
          message: `nests arrays or objects deeper than ${MAX_JSON_DEPTH} levels; a routing table needs 5`,
        },
      ],
    };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    // Binary content (control characters, bytes that are not UTF-8) is described, not echoed.
    const binary = looksBinary(text);
    return {
      ok: false,
      problems: [
        { path: '', value: binary ? '<binary data>' : text.slice(0, 40), message: `is not valid JSON: ${jsonParseFailure(text, err)}` },
      ],
    };
  }
  const duplicateKeys: RoutingTableProblem[] = findDuplicateKeys(text).map(({ path, count }) => ({
    path,
    message: `appears ${count} times in the same object; JSON keeps only the last, so each key must appear once`,
  }));
  const result = parseRoutingTable(json);
  const problems = [...duplicateKeys, ...(result.ok ? [] : result.problems)];
  return problems.length > 0 ? { ok: false, problems } : { ok: true, table: (result as { ok: true; table: RoutingTable }).table };
}

/** The events of a {@link RoutingTableStore}. */
export type RoutingTableStoreEvents = {
  updated: { table: RoutingTable; previous: RoutingTable };
  rejected: { problems: RoutingTableProblem[]; source: string | undefined };
};

export type ReloadResult = { ok: true; table: RoutingTable } | { ok: false; problems: RoutingTableProblem[]; kept: RoutingTable };

/**
 * Holds the current routing table. `reload` swaps in a new table only when it is valid; a bad
 * table leaves the last good one in place and reports the problems.
 *
 * Events (the runtime's `TypedEmitter`, one listener-error policy): `updated {table, previous}`
 * when a new table is accepted; `rejected {problems, source}` when a reload is refused (the
 * previous table stays current). A throwing listener goes to `onListenerError`.
 */
/** Options of a {@link RoutingTableStore}. */
export interface RoutingTableStoreOptions {
  /** Where errors thrown by `updated`/`rejected` listeners go. @default warnListenerError */
  readonly onListenerError?: ListenerErrorHandler;
}

export class RoutingTableStore {
  #current: RoutingTable;
  readonly #events: TypedEmitter<RoutingTableStoreEvents>;

  constructor(initial: RoutingTable | unknown, options: RoutingTableStoreOptions = {}) {
    this.#events = new TypedEmitter({ name: 'RoutingTableStore', onListenerError: options.onListenerError });
    this.#current = (() => {
      const result = parseRoutingTable(initial);
      if (!result.ok) throw new RoutingTableError(result.problems);
      return result.table;
    })();
  }

  /** Creates a store from a file (options as the constructor's); throws {@link RoutingTableError} if the file is not a valid table. */
  static fromFile(file: string, options: RoutingTableStoreOptions = {}): RoutingTableStore {
    return new RoutingTableStore(loadRoutingTable(file), options);
  }

  /** Subscribes to `updated` or `rejected`; returns the unsubscribe function. */
  on<K extends keyof RoutingTableStoreEvents>(event: K, listener: (payload: RoutingTableStoreEvents[K]) => void): () => void {
    return this.#events.on(event, listener);
  }

  /** The last accepted table. */
  get current(): RoutingTable {
    return this.#current;
  }

  /** Validates `input`; on success it becomes current, otherwise the previous table is kept. */
  reload(input: unknown, source?: string): ReloadResult {
    const result = parseRoutingTable(input);
    if (!result.ok) {
      this.#events.emit('rejected', { problems: result.problems, source });
      return { ok: false, problems: result.problems, kept: this.#current };
    }
    const previous = this.#current;
    this.#current = result.table;
    this.#events.emit('updated', { table: result.table, previous });
    return { ok: true, table: result.table };
  }

  /** Reads `file` and reloads from it; unreadable or invalid files keep the previous table. */
  reloadFromFile(file: string): ReloadResult {
    let table: RoutingTable;
    try {
      table = loadRoutingTable(file);
    } catch (err) {
      if (!(err instanceof RoutingTableError)) throw err;
      const problems = [...err.problems];
      this.#events.emit('rejected', { problems, source: file });
      return { ok: false, problems, kept: this.#current };
    }
    return this.reload(table, file);
  }
}
