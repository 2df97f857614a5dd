import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import config from '../../regions.config';
import { validateRegionsConfig } from '../../lib/config';
import { buildPriceFile } from '../../lib/reports';
import {
  parsePriceFile,
  parseWorkloadProfile,
  planWorkloadCost,
  readJsonFile,
  renderCostPlan,
  type PriceFile,
  type WorkloadProfileInput,
} from '../../runtime/cost';
import { ProblemsError } from '../../runtime/problem';
import { parseRoutingTable, type RoutingTable } from '../../runtime/routing-table';
import fixture from '../fixtures/routing-table.json';

const table = (() => {
  const r = parseRoutingTable(fixture);
  if (!r.ok) throw new Error('fixture table is invalid');
  return r.table;
})();

/** Hand-made unit prices: us-east-1 and ap-south-1 are the cheapest anywhere, to prove they are never offered to EMEA. */
const prices: PriceFile = {
  currency: 'USD',
  source: 'test',
  asOf: '2024-06',
  regions: {
    'eu-west-1': { vcpuHour: 0.05, storageGbMonth: 0.02, networkGb: 0.09 },
    'eu-west-2': { vcpuHour: 0.05, storageGbMonth: 0.02, networkGb: 0.09 },
    'eu-central-1': { vcpuHour: 0.04, storageGbMonth: 0.025, networkGb: 0.09 },
    'us-east-1': { vcpuHour: 0.01, storageGbMonth: 0.01, networkGb: 0.01 },
    'ap-south-1': { vcpuHour: 0.01, storageGbMonth: 0.01, networkGb: 0.01 },
  },
};

const emea: WorkloadProfileInput = {
  name: 'embeddings',
  residencyZone: 'emea',
  currentRegion: 'eu-west-1',
  cpuHours: 10_000,
  storageGb: 1_000,
  networkGb: 500,
  migrationCost: 300,
  maxPaybackMonths: 6,
};
const plan = (profile: Partial<WorkloadProfileInput>, t: RoutingTable = table, p: PriceFile = prices) =>
  planWorkloadCost(t, p, parseWorkloadProfile({ ...emea, ...profile }, t));

describe('cost planner: ranking inside the residency zone', () => {
  it('ranks only the EMEA regions for an EMEA workload, never the cheaper regions of other zones', () => {
    const p = plan({});
    // eu-central-1: 10 000 × 0.04 + 1 000 × 0.025 + 500 × 0.09 = 400 + 25 + 45 = 470
    // eu-west-1 / eu-west-2: 500 + 20 + 45 = 565
    expect(p.ranking).toEqual([
      { region: 'eu-central-1', compute: 400, storage: 25, network: 45, total: 470 },
      { region: 'eu-west-1', compute: 500, storage: 20, network: 45, total: 565 },
      { region: 'eu-west-2', compute: 500, storage: 20, network: 45, total: 565 },
    ]);
    expect(p.ranking.map((r) => r.region)).not.toContain('us-east-1');
    expect(p.cheapestRegion).toBe('eu-central-1');
  });

  it('breaks ties by region id, whatever the order of the inputs', () => {
    const shuffledPrices: PriceFile = { ...prices, regions: Object.fromEntries(Object.entries(prices.regions).reverse()) };
    const shuffledTable: RoutingTable = {
      ...table,
      residencyZones: table.residencyZones.map((z) => ({ ...z, regions: [...z.regions].reverse() })),
    };
    const a = plan({});
    const b = plan({}, shuffledTable, shuffledPrices);
    expect(b.ranking).toEqual(a.ranking);
    expect(a.ranking[1].region).toBe('eu-west-1'); // 565 = 565: eu-west-1 before eu-west-2
  });

  it('a current region tied with the cheapest is not moved', () => {
    const tied: PriceFile = { ...prices, regions: { ...prices.regions, 'eu-central-1': prices.regions['eu-west-1'] } };
    const p = plan({ currentRegion: 'eu-west-2' }, table, tied);
    expect(p.cheapestRegion).toBe('eu-central-1'); // all three at 565, by id
    expect([p.monthlySaving, p.paybackMonths, p.migrate]).toEqual([0, null, false]);
    expect(p.recommendation).toBe('stay in eu-west-2: no region of zone "emea" is cheaper');
  });
});

describe('cost planner: the migration threshold', () => {
  it('moves when the saving pays the migration back within the limit (300 / 95 = 3.16 months ≤ 6)', () => {
    const p = plan({ migrationCost: 300 });
    expect([p.monthlySaving, p.paybackMonths, p.migrate]).toEqual([95, 3.16, true]);
    expect(p.recommendation).toMatch(/^move to eu-central-1: saves 95.00 USD\/month/);
  });
  it('moves at exactly the limit (570 / 95 = 6 months)', () => {
    expect(plan({ migrationCost: 570 }).migrate).toBe(true);
  });
  it('stays when the payback is just over the limit, and says so (570.38 / 95 = 6.004 months; before: "pays back in 6 months", move)', () => {
    const p = plan({ migrationCost: 570.38 });
    expect([p.paybackMonths, p.migrate]).toEqual([6.01, false]);
    expect(p.recommendation).toMatch(/^stay in eu-west-1: .* would take 6.01 months to pay back \(limit 6\)$/);
  });
  it('stays when the payback is longer than the limit (600 / 95 = 6.32 months > 6)', () => {
    const p = plan({ migrationCost: 600 });
    expect([p.paybackMonths, p.migrate]).toEqual([6.32, false]);
    expect(p.recommendation).toMatch(/^stay in eu-west-1: eu-central-1 saves 95.00 USD\/month, but .* 6.32 months/);
  });
  it('stays in the cheapest region', () => {
    const p = plan({ currentRegion: 'eu-central-1' });
    expect([p.monthlySaving, p.migrate]).toEqual([0, false]);
  });
});

describe('cost planner: bad profiles and prices', () => {
  const problems = (profile: unknown) => {
    try {
      parseWorkloadProfile(profile, table);
    } catch (e) {
      expect(e).toBeInstanceOf(ProblemsError);
      return (e as ProblemsError).problems;
    }
    throw new Error('expected the profile to be rejected');
  };
  it.each([
    [
      'an unknown zone',
      { ...emea, residencyZone: 'mars' },
      'residencyZone',
      /^is an unknown residency zone of the routing table; allowed: apac, emea, na$/,
    ],
    ['negative CPU hours', { ...emea, cpuHours: -1 }, 'cpuHours', /must be >= 0/],
    ['an empty name', { ...emea, name: '' }, 'name', /^must not be empty$/],
    ['a name with a terminal escape', { ...emea, name: 'a\u001b[31mred' }, 'name', /^must not hold control characters/],
    ['a name with a C1 CSI', { ...emea, name: 'a\u009b31mX' }, 'name', /^must not hold control characters/],
    ['a name with a right-to-left override', { ...emea, name: 'abc\u202edef' }, 'name', /^must not hold control characters/],
    ['a blank name', { ...emea, name: '   ' }, 'name', /^must not be blank$/],
    [
      'a number given as text',
      { ...emea, maxPaybackMonths: '6' as unknown as number },
      'maxPaybackMonths',
      /^is not allowed; allowed: a number$/,
    ],
    [
      'an unknown field',
      { ...emea, foo: 1 } as typeof emea,
      '',
      /^has unknown field\(s\) "foo"; allowed: name, residencyZone, currentRegion, cpuHours, storageGb, networkGb, migrationCost, maxPaybackMonths$/,
    ],
    ['negative storage', { ...emea, storageGb: -5 }, 'storageGb', /must be >= 0/],
    ['usage that overflows the plan (1e308)', { ...emea, cpuHours: 1e308 }, 'cpuHours', /is too large; allowed: at most 1000000000000/],
    [
      'a payback longer than a century',
      { ...emea, maxPaybackMonths: 1e9 },
      'maxPaybackMonths',
      /allowed: a number of months > 0 and <= 1200/,
    ],
    [
      'a current region of another zone',
      { ...emea, currentRegion: 'us-east-1' },
      'currentRegion',
      /^is in residency zone "na", not the workload's zone "emea"; allowed: eu-west-1, eu-central-1, eu-west-2$/,
    ],
    [
      'an unknown region',
      { ...emea, currentRegion: 'eu-south-9' },
      'currentRegion',
      /^is an unknown region of the routing table; allowed: ap-east-1, .*, ca-central-1$/,
    ],
    ['a missing figure', { ...emea, networkGb: undefined }, 'networkGb', /is missing/],
    ['a figure as text', { ...emea, migrationCost: '300' }, 'migrationCost', /must be a number/],
    ['an unknown field', { ...emea, gpuHours: 3 }, '', /unknown field\(s\) "gpuHours"/],
    ['a zero payback limit', { ...emea, maxPaybackMonths: 0 }, 'maxPaybackMonths', /> 0/],
  ])('%s', (_name, profile, path, message) => {
    const found = problems(profile).find((p) => p.path === path);
    expect(found).toBeDefined();
    expect(found!.message).toMatch(message);
  });

  it('a current region without compute is refused, naming the compute regions of the zone (before: ranked first, "stay")', () => {
    const storageTable = structuredClone(table);
    storageTable.regions.find((r) => r.id === 'eu-west-2')!.services = ['storage'];
    for (const [country, region] of Object.entries(storageTable.countries))
      if (region === 'eu-west-2') storageTable.countries[country] = 'eu-west-1';
    expect(() => parseWorkloadProfile({ ...emea, currentRegion: 'eu-west-2' }, storageTable)).toThrow(
      /currentRegion: "eu-west-2" runs no compute \(services: storage\): no workload runs there; allowed: eu-west-1, eu-central-1/,
    );
  });

  it('a price file with a free vCPU-hour is rejected (before: "move there" advised on a zero compute price)', () => {
    expect(() => parsePriceFile({ ...prices, regions: { 'eu-west-1': { vcpuHour: 0, storageGbMonth: 0.02, networkGb: 0.09 } } })).toThrow(
      /vcpuHour.*allowed: a price > 0 and <= 1000000 \(compute is never free\)/,
    );
  });

  it('a zone region without a price is named', () => {
    const partial: PriceFile = { ...prices, regions: { 'eu-west-1': prices.regions['eu-west-1'] } };
    expect(() => plan({}, table, partial)).toThrow(/regions\.eu-central-1: is missing; every region of zone "emea" needs a price/);
  });

  it('a price file must say where its prices come from and when, in printable text (found by review: blank, undated and escape codes were printed)', () => {
    expect(() => parsePriceFile({ ...prices, source: '   ' })).toThrow(/source: .* must not be blank/);
    expect(() => parsePriceFile({ ...prices, source: 'evil\u001b[31mRED' })).toThrow(/source: .* must not hold control characters/);
    expect(() => parsePriceFile({ ...prices, asOf: 'yesterday-ish' })).toThrow(
      /asOf: "yesterday-ish" must be a date "YYYY-MM" or "YYYY-MM-DD"/,
    );
    expect(() => parsePriceFile({ ...prices, asOf: '2024-13' })).toThrow(/asOf/);
    expect(parsePriceFile({ ...prices, asOf: '2024-06-30' }).asOf).toBe('2024-06-30');
  });

  it('reads region ids in any case, as the profile does, and refuses one given twice in two cases', () => {
    const upper = parsePriceFile({ ...prices, regions: { 'EU-WEST-1': prices.regions['eu-west-1'] } });
    expect(Object.keys(upper.regions)).toEqual(['eu-west-1']);
    expect(() =>
      parsePriceFile({ ...prices, regions: { 'eu-west-1': prices.regions['eu-west-1'], 'EU-West-1': prices.regions['eu-west-1'] } }),
    ).toThrow(/regions\.EU-West-1: is the region "eu-west-1" again \(ids are not case-sensitive\); each region once/);
  });

  it('a price file with a negative price is rejected', () => {
    expect(() => parsePriceFile({ ...prices, regions: { 'eu-west-1': { vcpuHour: -1, storageGbMonth: 0, networkGb: 0 } } })).toThrow(
      /regions\["eu-west-1"\]\.vcpuHour|regions.eu-west-1.vcpuHour/,
    );
    expect(() => parsePriceFile({ ...prices, regions: { 'eu-west-1': { vcpuHour: 0.05, storageGbMonth: 1e300, networkGb: 0 } } })).toThrow(
      /storageGbMonth.*allowed: a price 0\.\.1000000/,
    );
  });
});

/** The test prices with the EMEA regions' vCPU-hour set ([eu-west-1, eu-west-2, eu-central-1]) and one price for storage and network. */
const emeaPrices = ([w1, w2, c1]: [number, number, number], other: number): PriceFile => ({
  ...prices,
  regions: {
    ...prices.regions,
    'eu-west-1': { vcpuHour: w1, storageGbMonth: other, networkGb: other },
    'eu-west-2': { vcpuHour: w2, storageGbMonth: other, networkGb: other },
    'eu-central-1': { vcpuHour: c1, storageGbMonth: other, networkGb: other },
  },
});

describe('cost planner: what a library caller passes (QA, stop 30)', () => {
  it('refuses a profile it was handed unparsed whose region is in another zone (before: ranked us-east-1 first for EMEA data, "stay in us-east-1")', () => {
    expect(() => planWorkloadCost(table, prices, { ...emea, currentRegion: 'us-east-1' })).toThrow(
      /currentRegion: "us-east-1" is in residency zone "na", not the workload's zone "emea"/,
    );
  });
  it('refuses NaN, negative and missing figures handed to it directly (before: "saves NaN USD/month", "limit undefined")', () => {
    expect(() => planWorkloadCost(table, prices, { ...emea, cpuHours: NaN })).toThrow(/cpuHours: NaN must be a finite number/);
    expect(() => planWorkloadCost(table, prices, { ...emea, storageGb: -1 })).toThrow(/storageGb: -1 must be >= 0/);
    const { maxPaybackMonths: _omitted, ...noLimit } = emea;
    expect(planWorkloadCost(table, prices, noLimit).maxPaybackMonths).toBe(6);
  });
  it('says Infinity (JSON 1e999) is not finite, not "not a number"', () => {
    expect(() => parseWorkloadProfile({ ...emea, cpuHours: Infinity }, table)).toThrow(/cpuHours: Infinity must be a finite number/);
  });
  it('refuses a price for a region the table does not have (a misspelt key was ignored)', () => {
    const typo: PriceFile = { ...prices, regions: { ...prices.regions, 'eu-wset-1': prices.regions['eu-west-1'] } };
    expect(() => plan({}, table, typo)).toThrow(/regions\.eu-wset-1: is an unknown region of the routing table.*eu-west-1/);
  });
  it('refuses a price key that is no region id (before: "__proto__" vanished silently, "constructor" was an unknown region)', () => {
    const withKey = (key: string) =>
      JSON.parse(`{"currency":"USD","source":"t","asOf":"2024-06","regions":{"${key}":{"vcpuHour":1,"storageGbMonth":0,"networkGb":0}}}`);
    expect(() => parsePriceFile(withKey('__proto__'))).toThrow(
      /regions\.__proto__: is not a region id; allowed: a cloud region id such as "eu-west-1"/,
    );
    expect(() => parsePriceFile(withKey('constructor'))).toThrow(/regions\.constructor: is not a region id/);
  });
  it('decides on the exact saving: a payback of 6.00002 months is over a 6-month limit (before: the saving rounded to the cent moved it under)', () => {
    const p = emeaPrices([0.0516665, 0.01, 1], 0.01);
    // Saving (0.0516665 - 0.01) × 10 000 = 416.665 a month (416.67 rounded); 2 500 / 416.665 = 6.00002 months.
    const result = planWorkloadCost(table, p, {
      ...emea,
      cpuHours: 10_000,
      storageGb: 0,
      networkGb: 0,
      migrationCost: 2500,
      maxPaybackMonths: 6,
    });
    expect([result.monthlySaving, result.paybackMonths, result.migrate]).toEqual([416.67, 6.01, false]);
  });
  it('refuses a price date that does not exist or lies in the future', () => {
    expect(() => parsePriceFile({ ...prices, asOf: '2024-02-31' })).toThrow(/asOf: "2024-02-31" must be a date .* that exists/);
    expect(() => parsePriceFile({ ...prices, asOf: '2099-12' })).toThrow(/asOf: "2099-12" is in the future/);
    expect(parsePriceFile({ ...prices, asOf: '2024-02-29' }).asOf).toBe('2024-02-29'); // a leap day
  });
  it('refuses line and paragraph separators in printed names (a terminal breaks the line there)', () => {
    // ... and the refusal shows it escaped, not raw.
    expect(() => parseWorkloadProfile({ ...emea, name: 'a\u2028b' }, table)).toThrow(/name: "a\\u2028b" must not hold control characters/);
  });
  it('ranks by the exact total, so sub-cent differences order the regions; a saving under half a cent is no saving', () => {
    const tiny = { ...emea, cpuHours: 1, storageGb: 0, networkGb: 0, migrationCost: 0 };
    const p = emeaPrices([0.1645, 0.163, 0.161], 0);
    const result = planWorkloadCost(table, p, tiny);
    expect(result.ranking.map((r) => r.region)).toEqual(['eu-central-1', 'eu-west-2', 'eu-west-1']);
    expect(result.monthlySaving).toBe(0); // 0.0035 rounds to 0.00
    expect(result.recommendation).toBe('stay in eu-west-1: no region of zone "emea" is cheaper by a cent a month or more');
  });
  it('notes prices older than a year when it renders the plan', () => {
    const p = plan({});
    expect(renderCostPlan(p, new Date('2025-01-10T00:00:00Z'))).not.toMatch(/note:/);
    expect(renderCostPlan(p, new Date('2026-11-29T00:00:00Z'))).toMatch(
      /note: these prices are 29 months old \(as of 2024-06\); check them against the provider's price list/,
    );
  });
});

describe('the price file synth writes', () => {
  const file = buildPriceFile(validateRegionsConfig(config));
  it('prices a vCPU-hour at the lowest on-demand price per vCPU of the region (eu-west-1: c5.2xlarge 0.384 / 8 = 0.048)', () => {
    expect(file.regions['eu-west-1']).toEqual({ vcpuHour: 0.048, storageGbMonth: 0.023, networkGb: 0.09 });
    expect(Object.keys(file.regions)).toHaveLength(10);
    expect(file).toMatchObject({ currency: 'USD', asOf: '2024-06' });
    expect(parsePriceFile(file)).toEqual(file);
  });
  it('renders a ranking table a person reads', () => {
    const text = renderCostPlan(planWorkloadCost(table, file, parseWorkloadProfile(emea, table)), new Date('2024-07-15T00:00:00Z'));
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toMatch(/residency zone emea \(only its regions are ranked\), prices as of 2024-06 \(source: AWS public list prices/);
    expect(lines[1]).toMatch(/^rank\s+region\s+compute\s+storage\s+network\s+total USD\/month$/);
    expect(lines).toHaveLength(2 + 3 + 1);
  });
  it('says where its prices come from in the plan, reads ids in any case as route does, and names types with their article', () => {
    const plan = planWorkloadCost(table, file, parseWorkloadProfile({ ...emea, residencyZone: 'EMEA', currentRegion: 'EU-West-1' }, table));
    expect(plan).toMatchObject({ residencyZone: 'emea', currentRegion: 'eu-west-1', pricesSource: file.source });
    expect(() => parseWorkloadProfile([1], table)).toThrow(/\(root\): \[1\] is not allowed; allowed: an object/);
  });
});

describe('taishanglaojun cost (the command)', () => {
  const root = join(__dirname, '..', '..');
  const bin = join(root, 'bin', 'taishanglaojun.js');
  const tmp = mkdtempSync(join(tmpdir(), 'tslj-cost-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const tablePath = join(root, 'test', 'fixtures', 'routing-table.json');
  const pricesPath = join(tmp, 'prices.json');
  writeFileSync(pricesPath, JSON.stringify(prices));
  const profileFile = (name: string, value: unknown) => {
    const f = join(tmp, name);
    writeFileSync(f, typeof value === 'string' ? value : JSON.stringify(value));
    return f;
  };
  const cost = (...args: string[]) => {
    const r = spawnSync(process.execPath, [bin, 'cost', '--table', tablePath, '--prices', pricesPath, ...args], {
      cwd: tmp,
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it('names the price file when a region of the zone has no price in it (before: "price file is not valid", no path)', () => {
    const partial = join(tmp, 'partial-prices.json');
    writeFileSync(partial, JSON.stringify({ ...prices, regions: { 'eu-west-1': prices.regions['eu-west-1'] } }));
    const r = spawnSync(
      process.execPath,
      [bin, 'cost', '--table', tablePath, '--prices', partial, '--profile', profileFile('p.json', emea)],
      {
        cwd: tmp,
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`price file ${partial} is not valid`);
    expect(r.stderr).toMatch(/regions\.eu-central-1: is missing; every region of zone "emea" needs a price/);
  });

  it('prints the ranking as a table, and as JSON with --json', () => {
    const f = profileFile('ok.json', emea);
    const text = cost('--profile', f);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/1\s+eu-central-1\s+400\.00\s+25\.00\s+45\.00\s+470\.00/);
    expect(text.stdout).toMatch(/move to eu-central-1/);
    const out = cost('--profile', f, '--json');
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({ cheapestRegion: 'eu-central-1', monthlySaving: 95, migrate: true });
  });

  it('exits 2 naming the field for an unknown zone or a negative figure, with no stack trace', () => {
    const r = cost('--profile', profileFile('bad.json', { ...emea, residencyZone: 'mars', cpuHours: -3 }));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/cpuHours: -3 must be >= 0/);
    expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    const zone = cost('--profile', profileFile('zone.json', { ...emea, residencyZone: 'mars' }));
    expect(zone.code).toBe(2);
    expect(zone.stderr).toMatch(/residencyZone: "mars" is an unknown residency zone of the routing table; allowed: apac, emea, na/);
  });

  it('exits 2 for a missing --profile, a missing file or a file that is not JSON', () => {
    expect(cost().code).toBe(2);
    expect(cost().stderr).toMatch(/--profile: required/);
    const missing = cost('--profile', join(tmp, 'nope.json'));
    expect([missing.code, /file not found/.test(missing.stderr)]).toEqual([2, true]);
    const notJson = cost('--profile', profileFile('text.json', 'cpuHours: 3'));
    expect([notJson.code, /is not JSON/.test(notJson.stderr)]).toEqual([2, true]);
  });

  it('exits 2 for a key given twice in the profile or the price file (before: the last one was used silently)', () => {
    const text = JSON.stringify(emea).replace('{', '{"cpuHours": 40000, ');
    const r = cost('--profile', profileFile('twice.json', text));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cpuHours: appears 2 times in the same object; JSON keeps only the last, so each key must appear once/);
    const prices = join(tmp, 'prices-twice.json');
    writeFileSync(prices, '{"currency": "USD", "currency": "EUR"}');
    expect(() => readJsonFile(prices, 'price file')).toThrow(ProblemsError);
    expect(() => readJsonFile(prices, 'price file')).toThrow(/currency: appears 2 times in the same object/);
  });

  it('describes a binary profile or price file instead of echoing its bytes (before: NUL and DEL reached the terminal)', () => {
    const binary = join(tmp, 'binary.json');
    writeFileSync(binary, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00, 0x1b, 0x5b, 0x32, 0x4a, 0xef, 0xbf, 0xbd]));
    const r = cost('--profile', binary);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is not JSON: the file holds binary data, not UTF-8 JSON text/);
    // eslint-disable-next-line no-control-regex -- none of the file's control bytes may reach the message
    expect(r.stderr).not.toMatch(/[\u0000-\u0008\u001b\u007f\ufffd]/);
    expect(() => readJsonFile(binary, 'price file')).toThrow(/is not JSON: the file holds binary data/);
  });

  it('names a FIFO nobody writes to (before: "cannot be read (undefined)")', () => {
    const fifo = join(tmp, 'profile.fifo');
    spawnSync('mkfifo', [fifo]);
    expect(() => readJsonFile(fifo, 'usage profile', 200)).toThrow(
      /- \(root\): is a FIFO or pipe and nothing was written to it within 200 ms/,
    );
  });

  it('exits 2 for an endless device instead of reading it whole (before: /dev/zero filled memory)', () => {
    const r = cost('--profile', '/dev/zero');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\/dev\/zero is not valid \(1 problem\):\n {2}- \(root\): is too large; at most 1048576 bytes are read\n$/);
  });
});
