import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRoutingTable, MAX_ROUTING_TABLE_BYTES, RoutingTableStore } from '../../runtime/load-table';
import { RoutingTableError, type RoutingTable } from '../../runtime/routing-table';
import { jsonNestedDeeperThan } from '../../runtime/json-duplicate-keys';

const fixturePath = join(__dirname, '..', 'fixtures', 'routing-table.json');
const fixture = (): RoutingTable => JSON.parse(readFileSync(fixturePath, 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'routing-table-'));

function thrown(fn: () => unknown): RoutingTableError {
  try {
    fn();
  } catch (err) {
    if (err instanceof RoutingTableError) return err;
    throw err;
  }
  throw new Error('expected a RoutingTableError');
}

describe('loadRoutingTable', () => {
  it('reads and validates the fixture', () => {
    expect(loadRoutingTable(fixturePath).regions).toHaveLength(10);
  });

  it('names the file when it is missing', () => {
    const file = join(dir, 'missing.json');
    const err = thrown(() => loadRoutingTable(file));
    expect(err.source).toBe(file);
    expect(err.message).toContain(file);
    expect(err.message).toContain('file not found');
  });

  it('refuses a file nested deeper than 64 levels before parsing it (four million "[" took seconds and a gigabyte)', () => {
    const file = join(dir, 'deep.json');
    writeFileSync(file, `${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`);
    const err = thrown(() => loadRoutingTable(file));
    expect(err.problems[0].message).toBe('nests arrays or objects deeper than 64 levels; a routing table needs 5');
    // Brackets inside strings do not count.
    expect(jsonNestedDeeperThan(JSON.stringify({ a: '['.repeat(100) }))).toBe(false);
    expect(jsonNestedDeeperThan(`${'['.repeat(64)}${']'.repeat(64)}`)).toBe(false);
    expect(jsonNestedDeeperThan(`${'['.repeat(65)}${']'.repeat(65)}`)).toBe(true);
    expect(jsonNestedDeeperThan(JSON.stringify({ a: 'x\\"[[[' }))).toBe(false);
  });

  it('names the file when it is not JSON', () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{"schemaVersion": 1,');
    const err = thrown(() => loadRoutingTable(file));
    expect(err.message).toContain(file);
    expect(err.problems[0].message).toContain('not valid JSON');
  });

  it('describes a binary file instead of echoing its bytes', () => {
    const file = join(dir, 'binary.json');
    writeFileSync(file, Buffer.from([0x7b, 0x00, 0xff, 0xfe, 0x1b, 0x5b, 0x32, 0x4a, 0x80, 0x81]));
    const err = thrown(() => loadRoutingTable(file));
    expect(err.problems[0].message).toBe('is not valid JSON: the file holds binary data, not UTF-8 JSON text');
    expect(err.problems[0].value).toBe('<binary data>');
    // eslint-disable-next-line no-control-regex -- none of the file's control bytes may reach the message
    expect(err.message).not.toMatch(/[\u0000-\u0008\u001b\ufffd]/);
  });

  it('lists every problem of an invalid table: a wrong field does not hide a wrong relation', () => {
    const t = fixture();
    t.countries.FR = 'eu-south-9'; // relation: unknown region
    t.routing.loadWeight = -1; // field: below its minimum
    const file = join(dir, 'invalid.json');
    writeFileSync(file, JSON.stringify(t));
    const err = thrown(() => loadRoutingTable(file));
    expect(err.problems.map((p) => p.path).sort()).toEqual(['countries.FR', 'routing.loadWeight']);
    expect(err.message).toContain(`routing table ${file} is not valid (2 problems):`);
    expect(err.message).toContain('countries.FR: "eu-south-9" is an unknown region; allowed: ap-east-1,');
    expect(err.message).toContain('routing.loadWeight: -1 must be a finite number >= 0 and <= 1000000');
  });

  it('rejects a key that appears twice in one object of the file (JSON.parse would keep the last)', () => {
    const text = readFileSync(fixturePath, 'utf8').replace('"DE": "eu-central-1"', '"DE": "eu-central-1",\n    "DE": "eu-west-1"');
    expect(text).toContain('"DE": "eu-west-1"'); // the fixture had the line the test edits
    const file = join(dir, 'duplicate.json');
    writeFileSync(file, text);
    const err = thrown(() => loadRoutingTable(file));
    expect(err.problems).toEqual([
      { path: 'countries.DE', message: 'appears 2 times in the same object; JSON keeps only the last, so each key must appear once' },
    ]);
  });

  it('refuses a file larger than the limit, reading at most the limit and one byte', () => {
    const file = join(dir, 'huge.json');
    writeFileSync(file, Buffer.alloc(MAX_ROUTING_TABLE_BYTES + 1, 0x20));
    const err = thrown(() => loadRoutingTable(file));
    expect(err.problems).toEqual([
      {
        path: '',
        value: `more than ${MAX_ROUTING_TABLE_BYTES} bytes`,
        message: `is too large for a routing table; at most ${MAX_ROUTING_TABLE_BYTES} bytes are read`,
      },
    ]);
  });

  it('reads a table that starts with a UTF-8 byte order mark (before: refused, quoting the invisible character)', () => {
    const file = join(dir, 'bom.json');
    writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(fixturePath)]));
    expect(loadRoutingTable(file).regions.length).toBe(fixture().regions.length);
  });

  it('refuses an endless device the same way (before: /dev/zero has size 0, was read whole and filled memory)', () => {
    const err = thrown(() => loadRoutingTable('/dev/zero'));
    expect(err.problems).toEqual([expect.objectContaining({ message: expect.stringContaining('is too large for a routing table') })]);
  });
});

describe('RoutingTableStore', () => {
  it('keeps the last good table when a reload is invalid, and reports why', () => {
    const listenerErrors: string[] = [];
    const store = new RoutingTableStore(fixture(), { onListenerError: (err, event) => listenerErrors.push(`${event}: ${String(err)}`) });
    const first = store.current;
    const rejected: unknown[] = [];
    const updated: unknown[] = [];
    store.on('rejected', ({ problems }) => rejected.push(problems));
    store.on('updated', ({ table }) => updated.push(table));
    store.on('updated', () => {
      throw new Error('a broken listener'); // reported by the emitter's policy, never breaks the reload
    });

    const bad = fixture();
    bad.countries.FR = 'eu-south-9';
    const result = store.reload(bad, 'push-1');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]).toMatchObject({ path: 'countries.FR', value: 'eu-south-9' });
    expect(store.current).toBe(first);
    expect(rejected).toHaveLength(1);

    const good = fixture();
    good.routing.loadWeight = 50;
    expect(store.reload(good).ok).toBe(true);
    expect(store.current.routing.loadWeight).toBe(50);
    expect(updated).toHaveLength(1);
    expect(listenerErrors).toEqual(['updated: Error: a broken listener']);
  });

  it("fromFile takes the constructor's options: a listener error goes to onListenerError", () => {
    const listenerErrors: string[] = [];
    const store = RoutingTableStore.fromFile(fixturePath, {
      onListenerError: (err, event, emitter) => listenerErrors.push(`${emitter} ${event}: ${String(err)}`),
    });
    store.on('updated', () => {
      throw new Error('a broken listener');
    });
    expect(store.reloadFromFile(fixturePath).ok).toBe(true);
    expect(listenerErrors).toEqual(['RoutingTableStore updated: Error: a broken listener']);
  });

  it('reloads from files, keeping the table when the file is unreadable', () => {
    const store = RoutingTableStore.fromFile(fixturePath);
    const before = store.current;
    const result = store.reloadFromFile(join(dir, 'nope.json'));
    expect(result.ok).toBe(false);
    expect(store.current).toBe(before);
  });

  it('refuses to start from an invalid table', () => {
    expect(() => new RoutingTableStore({ schemaVersion: 2 })).toThrow(RoutingTableError);
  });
});
