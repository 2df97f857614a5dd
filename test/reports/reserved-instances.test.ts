import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import config from '../../regions.config';
import { validateRegionsConfig, type RegionsConfig } from '../../lib/config';
import fc from 'fast-check';
import { money } from '../../lib/reports/reserved-instances';
import {
  buildReservedInstancePlan,
  MissingPriceError,
  renderReservedInstancePlanMarkdown,
  writeReports,
  type ReservedInstancePurchasePlan,
} from '../../lib/reports';

type Mutable = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const shipped = validateRegionsConfig(config);
const regionOf = (plan: ReservedInstancePurchasePlan, id: string) => plan.regions.find((r) => r.region === id)!;

/** The shipped config with eu-west-2's reserved capacity replaced. */
function withEuWest2(reservedCapacity: unknown): RegionsConfig {
  const c = structuredClone(config) as Mutable;
  c.regions.find((r: Mutable) => r.id === 'eu-west-2').reservedCapacity = reservedCapacity;
  return validateRegionsConfig(c);
}

describe('reserved-instance purchase plan: arithmetic (hand-computed, 730 h per month)', () => {
  const plan = buildReservedInstancePlan(shipped);

  it('prices a 1-year line: ap-east-1 50 × c5.2xlarge at 0.472 on demand and 0.297 reserved', () => {
    const line = regionOf(plan, 'ap-east-1').lines[0];
    // 50 × 0.472 × 730 = 17 228.00; 50 × 0.297 × 730 = 10 840.50; saving 6 387.50 = 37.1 %
    expect(line).toEqual({
      instanceType: 'c5.2xlarge',
      count: 50,
      term: '1year',
      paymentOption: 'No Upfront',
      onDemandHourly: 0.472,
      reservedHourly: 0.297,
      monthlyOnDemand: 17228,
      monthlyReserved: 10840.5,
      monthlySaving: 6387.5,
      savingPercent: 37.1,
    });
  });

  it('prices a 3-year line at the 3-year rate: us-east-1 30 × m5.2xlarge at 0.384 / 0.166', () => {
    const line = regionOf(plan, 'us-east-1').lines[1];
    // 30 × 0.384 × 730 = 8 409.60; 30 × 0.166 × 730 = 3 635.40; saving 4 774.20 = 56.8 %
    expect([line.term, line.reservedHourly, line.monthlyOnDemand, line.monthlyReserved, line.monthlySaving, line.savingPercent]).toEqual([
      '3year',
      0.166,
      8409.6,
      3635.4,
      4774.2,
      56.8,
    ]);
  });

  it('totals a region and measures coverage of its reserved baseline', () => {
    const hk = regionOf(plan, 'ap-east-1');
    // 17 228.00 + 30 × 0.264 × 730 (5 781.60) = 23 009.60; 10 840.50 + 30 × 0.114 × 730 (2 496.60) = 13 337.10
    expect([hk.reservedInstances, hk.monthlyOnDemand, hk.monthlyReserved, hk.monthlySaving]).toEqual([80, 23009.6, 13337.1, 9672.5]);
    // target ceil(100 × 70 %) = 70; 80 reserved → 114.3 %, over
    expect([hk.reservedTarget, hk.coveragePercent, hk.coverage]).toEqual([70, 114.3, 'over']);
    const ie = regionOf(plan, 'eu-west-1'); // ceil(80 × 60 %) = 48, 40 reserved
    expect([ie.reservedTarget, ie.coveragePercent, ie.coverage]).toEqual([48, 83.3, 'under']);
    const va = regionOf(plan, 'us-east-1'); // ceil(120 × 75 %) = 90 = 60 + 30
    expect([va.reservedTarget, va.coveragePercent, va.coverage]).toEqual([90, 100, 'exact']);
  });

  it('shows a region that reserves nothing with zero cost and no coverage', () => {
    const p = buildReservedInstancePlan(withEuWest2({ baselineCapacity: 40, reservedPercent: 50, instanceTypes: [] }));
    const london = regionOf(p, 'eu-west-2');
    expect(london).toMatchObject({ reservedInstances: 0, monthlyOnDemand: 0, monthlyReserved: 0, monthlySaving: 0, lines: [] });
    expect([london.reservedTarget, london.coveragePercent, london.coverage]).toEqual([20, 0, 'uncovered']);
    const none = regionOf(
      buildReservedInstancePlan(withEuWest2({ baselineCapacity: 40, reservedPercent: 0, instanceTypes: [] })),
      'eu-west-2',
    );
    expect([none.reservedTarget, none.coveragePercent, none.coverage]).toEqual([0, null, 'none-needed']);
  });

  it('reports reservations declared at 0 % reserved as above target, not as "no reservation planned" (found by review)', () => {
    const p = buildReservedInstancePlan(
      withEuWest2({ baselineCapacity: 40, reservedPercent: 0, instanceTypes: [{ type: 'c5.2xlarge', count: 10, term: '1year' }] }),
    );
    const london = regionOf(p, 'eu-west-2');
    expect([london.reservedTarget, london.reservedInstances, london.coveragePercent, london.coverage]).toEqual([0, 10, null, 'over']);
    const row = renderReservedInstancePlanMarkdown(p)
      .split('\n')
      .find((l) => l.startsWith('| eu-west-2 | 40 |'))!;
    expect(row).toContain('| 10 above target (0 % reserved) |');
  });

  it('totals per continent and overall from the regions', () => {
    const p = buildReservedInstancePlan(withEuWest2({ baselineCapacity: 40, reservedPercent: 0, instanceTypes: [] }));
    // EMEA = eu-west-1 (40 × 0.384 × 730 = 11 212.80; 40 × 0.242 × 730 = 7 066.40)
    //      + eu-central-1 (60 × 0.388 × 730 = 16 994.40; 60 × 0.244 × 730 = 10 687.20) + eu-west-2 (nothing)
    const emea = p.continents.find((c) => c.continent === 'EMEA')!;
    expect(emea).toEqual({
      continent: 'EMEA',
      regions: ['eu-west-1', 'eu-central-1', 'eu-west-2'],
      reservedInstances: 100,
      monthlyOnDemand: 28207.2,
      monthlyReserved: 17753.6,
      monthlySaving: 10453.6,
    });
    const sumOf = (k: 'monthlyOnDemand' | 'monthlyReserved' | 'reservedInstances') =>
      Math.round(p.continents.reduce((n, c) => n + c[k], 0) * 100) / 100;
    expect(p.total.monthlyOnDemand).toBe(sumOf('monthlyOnDemand'));
    expect(p.total.monthlyReserved).toBe(sumOf('monthlyReserved'));
    expect(p.total.reservedInstances).toBe(sumOf('reservedInstances'));
  });

  it('marks derived defaults and carries the price source and date', () => {
    expect(regionOf(plan, 'eu-central-1').derived).toBe(true);
    expect(regionOf(plan, 'ap-east-1').derived).toBe(false);
    expect(plan).toMatchObject({ currency: 'USD', pricesAsOf: '2024-06', paymentOption: 'No Upfront', hoursPerMonth: 730 });
  });

  it('fails naming the region and type when a price is missing', () => {
    const broken = structuredClone(shipped) as Mutable;
    delete broken.prices.regions['us-east-1'].instances['m5.2xlarge'];
    expect(() => buildReservedInstancePlan(broken as RegionsConfig)).toThrow(MissingPriceError);
    expect(() => buildReservedInstancePlan(broken as RegionsConfig)).toThrow(/no price for m5\.2xlarge in us-east-1/);
  });
});

describe('reserved-instance purchase plan: Markdown', () => {
  const md = renderReservedInstancePlanMarkdown(buildReservedInstancePlan(shipped));
  const tables = md
    .split('\n\n')
    .map((block) => block.trim())
    .filter((block) => block.startsWith('| '));

  it('renders three well-formed tables: every row has as many cells as its header, then a separator row', () => {
    expect(tables).toHaveLength(3);
    for (const t of tables) {
      const rows = t.split('\n').map((row) => row.split(' | ').length);
      expect(new Set(rows).size).toBe(1);
      expect(t.split('\n')[1]).toMatch(/^\| (---:?|---)( \| (---:?|---))* \|$/);
    }
  });

  it('has one row per reservation, one per region for coverage, and the totals', () => {
    expect(tables[0].split('\n')).toHaveLength(2 + 12);
    expect(tables[0]).toContain('| APAC | ap-east-1 | m5.xlarge | 30 | 3 years | No Upfront | 5,781.60 | 2,496.60 | 3,285.00 | 56.8 % |');
    expect(tables[1]).toContain('| ap-east-1 | 100 | 70 % | 70 | 80 | 114.3 % — 10 above target | declared in the config |');
    expect(tables[1]).toContain('| eu-west-1 | 80 | 60 % | 48 | 40 | 83.3 % — 8 short | declared in the config |');
    expect(tables[2]).toMatch(/\| \*\*all regions\*\* \| \*\*558\*\* \|/);
  });

  it('states the price source and date', () => {
    expect(md).toMatch(/Source: AWS public list prices.*not re-verified.*As of 2024-06/);
  });
});

describe('writeReports', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'tslj-reports-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the plan as JSON and Markdown under reports/, the price file and the monitoring files', () => {
    writeReports(dir, shipped);
    const json = JSON.parse(readFileSync(join(dir, 'reports/reserved-instances.json'), 'utf8'));
    expect(json.total.reservedInstances).toBe(558);
    expect(readFileSync(join(dir, 'reports/reserved-instances.md'), 'utf8')).toMatch(/^# Reserved-instance purchase plan/);
    for (const f of [
      'reports/prices.json',
      'monitoring/prometheus.yml',
      'monitoring/platform-rules.yml',
      'monitoring/grafana-dashboard.json',
    ])
      expect(existsSync(join(dir, f))).toBe(true);
  });

  it('writes nothing when a price is missing', () => {
    const broken = structuredClone(shipped) as Mutable;
    delete broken.prices.regions['ap-south-1'];
    expect(() => writeReports(dir, broken as RegionsConfig)).toThrow(/no price for c5\.2xlarge in ap-south-1/);
    expect(existsSync(join(dir, 'reports'))).toBe(false);
  });
});

describe('amounts in the Markdown plan', () => {
  const intl = (x: number) => x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  it("read as toLocaleString('en-US') with two decimals writes them, for any amount", () => {
    for (const x of [
      0,
      -0,
      1.005,
      2.675,
      1e-7,
      -1e-7,
      0.005,
      0.125,
      0.375,
      999.995,
      1000,
      1234567.891,
      -1234.5,
      1e20,
      5e21,
      NaN,
      Infinity,
      -Infinity,
    ])
      expect(money(x)).toBe(intl(x));
    fc.assert(
      fc.property(fc.double({ min: -1e15, max: 1e15, noNaN: true }), (x) => expect(money(x)).toBe(intl(x))),
      { numRuns: 2000 },
    );
    fc.assert(fc.property(fc.integer({ min: -1e9, max: 1e9 }), (cents) => expect(money(cents / 100)).toBe(intl(cents / 100))));
  });
});
