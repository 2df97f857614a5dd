import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRoutingTable, RoutingTableError, assertRoutingTable, type RoutingTable } from '../../runtime/routing-table';

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
    expect(problems.find((p) => p.path === 'shards[5].primary.region')?.message).toContain('"emea"');
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

  it('rejects non-objects', () => {
    expect(problemsOf(null)[0]).toMatchObject({ path: '', value: null });
    expect(problemsOf('x')[0].path).toBe('');
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
