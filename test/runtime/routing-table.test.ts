import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findDuplicateKeys } from '../../runtime/json-duplicate-keys';
import {
  assertRoutingTable,
  MAX_TIMER_MS,
  parseRoutingTable,
  ROUTING_TABLE_LIMITS,
  RoutingTableError,
  type RoutingTable,
} from '../../runtime/routing-table';

const fixture = (): RoutingTable => JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'routing-table.json'), 'utf8'));

function problemsOf(input: unknown) {
  const result = parseRoutingTable(input);
  if (result.ok) throw new Error('expected the table to be rejected');
  return result.problems;
}

describe('parseRoutingTable', () => {
  it('accepts the fixture with ten regions, three zones and the named countries', () => {
    const result = parseRoutingTable(fixture());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.table.regions).toHaveLength(10);
    expect(result.table.residencyZones.map((z) => z.id).sort()).toEqual(['apac', 'emea', 'na']);
    expect(result.table.countries).toMatchObject({
      GB: 'eu-west-2',
      CA: 'ca-central-1',
      DE: 'eu-central-1',
      US: 'us-east-1',
      HK: 'ap-east-1',
      SG: 'ap-southeast-1',
      JP: 'ap-northeast-1',
      IN: 'ap-south-1',
    });
    for (const region of result.table.regions) {
      expect(Object.values(result.table.countries).filter((r) => r === region.id).length).toBeGreaterThanOrEqual(3);
    }
  });

  it('reports structural problems with path, value and message', () => {
    const table = fixture() as unknown as Record<string, unknown>;
    (table.routing as Record<string, unknown>).maxLoadFactor = 1.5;
    (table.regions as Record<string, unknown>[])[2].capacity = -1;
    table.extra = true;
    const problems = problemsOf(table);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'routing.maxLoadFactor', value: 1.5 }),
        expect.objectContaining({ path: 'regions[2].capacity', value: -1 }),
        expect.objectContaining({ path: 'extra', value: true, message: expect.stringContaining('unknown field') }),
      ]),
    );
    expect(problems).toHaveLength(3);
  });

  it('takes only country codes in use as keys, the list the config and the CLI take', () => {
    const table = fixture() as unknown as { countries: Record<string, unknown> };
    table.countries.UK = 'eu-west-2';
    table.countries.ZZ = 'eu-west-2';
    table.countries.XK = 'eu-central-1'; // Kosovo: in use
    const problems = problemsOf(table);
    expect(problems.map((p) => [p.path, p.value])).toEqual([
      ['countries.UK', 'UK'],
      ['countries.ZZ', 'ZZ'],
    ]);
    expect(problems[0].message).toMatch(/is not a country key; keys must be an ISO 3166-1 alpha-2 country code in use such as "DE"/);
  });

  it('says when a reference may mean a region entry that has no valid id', () => {
    const table = fixture() as unknown as { regions: unknown[] };
    table.regions[0] = 42;
    const problems = problemsOf(table);
    expect(problems[0]).toMatchObject({ path: 'regions[0]', value: 42 });
    const unknown = problems.filter((p) => /unknown region/.test(p.message));
    expect(unknown.length).toBeGreaterThan(0);
    for (const p of unknown) expect(p.message).toMatch(/\(regions\[0\] has no valid id: it may be meant\)$/);
    // With every id readable, the message is the plain one.
    const plain = fixture() as unknown as { countries: Record<string, unknown> };
    plain.countries.FR = 'eu-south-9';
    expect(problemsOf(plain).find((p) => p.path === 'countries.FR')!.message).not.toMatch(/no valid id/);
  });

  it('reports every cross-reference problem at once', () => {
    const t = fixture();
    t.countries.FR = 'eu-south-9';
    t.shards[0].residencyZone = 'mars';
    t.shards[1].id = t.shards[2].id;
    t.shards[5].primary.region = 'us-east-1'; // emea shard with a primary in na
    t.shards[6].replicas[0].region = 'us-west-2'; // emea data copied to na
    t.shards[7].replicas[0].region = 'xx-nowhere-1';
    t.failover.recovery.stepsPercent = [10, 50, 25, 90];
    t.residencyZones[2].allowedCopyTo = ['emea', 'moon'];
    t.regions[3].residencyZone = 'nowhere';
    const problems = problemsOf(t);
    const paths = problems.map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'countries.FR',
        'shards[0].residencyZone',
        'shards[2].id',
        'shards[5].primary.region',
        'shards[6].replicas[0].region',
        'shards[7].replicas[0].region',
        'failover.recovery.stepsPercent[2]',
        'failover.recovery.stepsPercent[3]',
        'residencyZones[2].allowedCopyTo[1]',
        'residencyZones[2].allowedCopyTo',
        'regions[3].residencyZone',
        'residencyZones[0].regions[3]',
      ]),
    );
    const fr = problems.find((p) => p.path === 'countries.FR');
    expect(fr?.value).toBe('eu-south-9');
    expect(fr?.message).toContain('eu-west-1');
    expect(problems.find((p) => p.path === 'shards[5].primary.region')?.message).toBe(
      'must be in the shard\'s residency zone "emea"; allowed: eu-west-1, eu-central-1, eu-west-2',
    );
    expect(fr?.message).toBe(
      'is an unknown region; allowed: ap-east-1, ap-southeast-1, ap-northeast-1, ap-south-1, eu-west-1, eu-central-1, eu-west-2, us-east-1, us-west-2, ca-central-1',
    );
  });

  it('requires every zone to list exactly its regions and to own a shard', () => {
    const t = fixture();
    t.residencyZones[1].regions = ['eu-west-1', 'eu-central-1']; // eu-west-2 missing
    t.residencyZones[2].regions.push('eu-west-2'); // wrong zone
    t.shards = t.shards.filter((s) => s.residencyZone !== 'apac');
    const problems = problemsOf(t);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'residencyZones[1].regions', message: expect.stringContaining('eu-west-2') }),
        expect.objectContaining({ path: 'residencyZones[2].regions[3]', value: 'eu-west-2' }),
        expect.objectContaining({ path: 'residencyZones[0].id', value: 'apac', message: expect.stringContaining('no shard') }),
      ]),
    );
  });

  it('rejects duplicate region ids and a non-100 last recovery step', () => {
    const t = fixture();
    t.regions.push({ ...t.regions[0] });
    t.failover.recovery.stepsPercent = [10, 20];
    const paths = problemsOf(t).map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['regions[10].id', 'failover.recovery.stepsPercent[1]']));
  });

  it('reports structural and cross-reference problems together: a wrong field hides nothing else', () => {
    const t = fixture() as unknown as {
      regions: Record<string, unknown>[];
      shards: Record<string, unknown>[];
      countries: Record<string, unknown>;
    };
    t.regions[2].capacity = -1; // field
    t.regions[3].continent = 'MARS'; // field
    t.countries.FR = 'eu-south-9'; // relation
    t.countries.ES = 42; // field
    t.shards[0].weight = 'heavy'; // field of a shard whose relation is also wrong:
    t.shards[0].residencyZone = 'moon';
    t.shards[1].replicas = [{ region: 'us-west-2', endpoint: null }]; // emea data copied to na
    const problems = problemsOf(t);
    expect(problems.map((p) => p.path).sort()).toEqual(
      [
        'countries.ES',
        'countries.FR',
        'regions[2].capacity',
        'regions[3].continent',
        'shards[0].residencyZone',
        'shards[0].weight',
        'shards[1].replicas[0].region',
      ].sort(),
    );
    expect(problems.find((p) => p.path === 'regions[3].continent')).toEqual({
      path: 'regions[3].continent',
      value: 'MARS',
      message: 'is not allowed; allowed: "APAC", "EMEA", "NA"',
    });
    expect(problems.find((p) => p.path === 'shards[0].residencyZone')?.message).toBe(
      'is an unknown residency zone; allowed: apac, emea, na',
    );
  });

  it.each([
    ['a capacity that overflows the weights', (t: RoutingTable) => (t.regions[0].capacity = 1e308), 'regions[0].capacity', 1e308],
    ['NaN', (t: RoutingTable) => (t.regions[1].capacity = NaN), 'regions[1].capacity', NaN],
    ['Infinity', (t: RoutingTable) => (t.shards[0].weight = Infinity), 'shards[0].weight', Infinity],
    ['a zero weight', (t: RoutingTable) => (t.shards[0].weight = 0), 'shards[0].weight', 0],
    ['a latency of a year', (t: RoutingTable) => (t.regions[0].latencyThresholdMs = 3.2e10), 'regions[0].latencyThresholdMs', 3.2e10],
    [
      'a circuit breaker longer than a timer can wait',
      (t: RoutingTable) => (t.failover.actions.circuitBreakerMs = MAX_TIMER_MS + 1),
      'failover.actions.circuitBreakerMs',
      MAX_TIMER_MS + 1,
    ],
    ['a fractional retry count', (t: RoutingTable) => (t.failover.healthCheck.retries = 1.5), 'failover.healthCheck.retries', 1.5],
    [
      'a timeout longer than the interval',
      (t: RoutingTable) => (t.failover.healthCheck.timeoutMs = 60_000),
      'failover.healthCheck.timeoutMs',
      60_000,
    ],
  ])('rejects %s', (_name, edit, path, value) => {
    const t = fixture();
    edit(t);
    expect(problemsOf(t)).toEqual([{ path, value, message: expect.stringMatching(/^must be /) }]);
  });

  it.each([
    '999.1.1.1:5432',
    '1.2.3:5432',
    'nocolon',
    'host:99999',
    'http://x:1',
    'a b:1',
    'h:-1',
    'h:0',
    'h:080',
    '-h:1',
    ':5432',
    'db.internal:',
  ])('rejects the shard endpoint %j (before: any non-empty text)', (endpoint) => {
    const t = fixture();
    t.shards[0].primary.endpoint = endpoint;
    expect(problemsOf(t)).toEqual([
      {
        path: 'shards[0].primary.endpoint',
        value: endpoint,
        message: expect.stringContaining(
          'null or a "host:port" string (a DNS name, an IPv4 address or a bracketed IPv6 address; a port 1-65535)',
        ),
      },
    ]);
  });

  it.each(['pg-eu-west-1.emea.db.example.com:5432', '10.0.3.7:5432', '[fd00::7]:5432', 'DB-1:65535', 'h:1'])(
    'accepts the shard endpoint %j',
    (endpoint) => {
      const t = fixture();
      t.shards[0].primary.endpoint = endpoint;
      const result = parseRoutingTable(t);
      expect(result.ok && result.table.shards[0].primary.endpoint).toBe(endpoint);
    },
  );

  it('accepts the largest values its limits allow (a timer delay of 2^31-1 ms)', () => {
    const t = fixture();
    t.failover.actions.circuitBreakerMs = MAX_TIMER_MS;
    t.failover.recovery.stepIntervalMs = MAX_TIMER_MS;
    t.regions[0].capacity = ROUTING_TABLE_LIMITS.capacity;
    expect(parseRoutingTable(t).ok).toBe(true);
  });

  it('bounds lists: a hostile list is one problem, not one per item', () => {
    const t = fixture() as unknown as Record<string, unknown>;
    t.regions = Array.from({ length: 100_000 }, () => 'x');
    const problems = problemsOf(t);
    expect(problems.filter((p) => p.path.startsWith('regions'))).toEqual([
      { path: 'regions', value: t.regions, message: `must hold 1 to ${ROUTING_TABLE_LIMITS.regions} regions (it holds 100000)` },
    ]);
  });

  it('returns a copy: editing the input afterwards does not change the table', () => {
    const input = fixture();
    const result = parseRoutingTable(input);
    if (!result.ok) throw new Error('fixture rejected');
    input.regions[0].capacity = 1;
    input.countries.DE = 'eu-west-1';
    expect(result.table.regions[0].capacity).toBe(10000);
    expect(result.table.countries.DE).toBe('eu-central-1');
  });

  it('rejects non-objects', () => {
    expect(problemsOf(null)[0]).toMatchObject({ path: '', value: null });
    expect(problemsOf('x')[0].path).toBe('');
  });
});

describe('findDuplicateKeys', () => {
  it('finds a repeated key at any depth with its path, and only repeats in the same object', () => {
    const text = '{"a":{"x":1,"y":2,"x":3},"list":[{"id":1},{"id":2,"id":3,"id":4}],"x":0,"s":"\\"x\\":1,","e\\u0041":1,"eA":2}';
    expect(() => JSON.parse(text)).not.toThrow();
    expect(findDuplicateKeys(text)).toEqual([
      { path: 'a.x', count: 2 },
      { path: 'list[1].id', count: 3 },
      { path: 'eA', count: 2 },
    ]);
  });

  it('finds nothing in the fixture', () => {
    expect(findDuplicateKeys(readFileSync(join(__dirname, '..', 'fixtures', 'routing-table.json'), 'utf8'))).toEqual([]);
  });
});

describe('RoutingTableError', () => {
  it('lists each problem with its path and value', () => {
    const t = fixture();
    t.countries.FR = 'eu-south-9';
    expect(() => assertRoutingTable(t, 'table.json')).toThrow(RoutingTableError);
    try {
      assertRoutingTable(t, 'table.json');
    } catch (err) {
      expect((err as RoutingTableError).problems).toHaveLength(1);
      expect((err as Error).message).toContain('table.json');
      expect((err as Error).message).toContain('countries.FR');
      expect((err as Error).message).toContain('"eu-south-9"');
    }
  });
});

describe('residency zone ids (the rule of the config: runtime/ids.ts)', () => {
  it('rejects a zone id longer than the config allows, naming the field and the allowed pattern', () => {
    const t = fixture();
    const id = `e${'m'.repeat(31)}`; // 32 characters: the config allows 31
    t.residencyZones[0].id = id;
    const problem = problemsOf(t).find((p) => p.path === 'residencyZones[0].id');
    expect(problem).toEqual({
      path: 'residencyZones[0].id',
      value: id,
      message:
        'must be a residency zone id such as "emea": 1-31 lower-case letters, digits and "-", starting with a letter and not ending in "-", and not "unknown" or "none" (the metrics and alerts reserve them for unlocated clients and refusals) (at most 31 characters)',
    });
  });

  it('rejects a zone named like the label value of unlocated clients (before: accepted)', () => {
    const t = fixture();
    t.residencyZones[0].id = 'unknown';
    expect(problemsOf(t).find((p) => p.path === 'residencyZones[0].id')?.message).toMatch(/and not "unknown" or "none"/);
  });
});
