/**
 * The reserved-instance purchase plan: what a finance reviewer signs off, because Terraform cannot
 * buy reserved instances. Pure: the same config always gives the same plan and byte-identical files.
 *
 * Money: a line's monthly cost is count × hourly price × hours per month (the price table's, 730 by
 * AWS convention), rounded to cents; region, continent and overall totals add the rounded lines, so
 * every table adds up as printed.
 */
import type { Continent, RegionsConfig } from '../config';
import { reservedTarget } from '../config/reserved-capacity';

/** One reservation to buy. */
export interface ReservationLine {
  readonly instanceType: string;
  readonly count: number;
  readonly term: '1year' | '3year';
  readonly paymentOption: string;
  readonly onDemandHourly: number;
  readonly reservedHourly: number;
  /** count × on-demand hourly × hours per month. */
  readonly monthlyOnDemand: number;
  /** count × reserved hourly × hours per month. */
  readonly monthlyReserved: number;
  /** monthlyOnDemand − monthlyReserved. */
  readonly monthlySaving: number;
  /** Saving as a share of the on-demand cost, in %, one decimal. */
  readonly savingPercent: number;
}

/** Money totals of a group of lines. */
export interface PlanTotals {
  readonly reservedInstances: number;
  readonly monthlyOnDemand: number;
  readonly monthlyReserved: number;
  readonly monthlySaving: number;
}

/** The plan of one compute region. */
export interface RegionReservationPlan extends PlanTotals {
  readonly region: string;
  readonly continent: Continent;
  /** True when the region's reserved capacity is the documented default derived from its capacity. */
  readonly derived: boolean;
  readonly baselineCapacity: number;
  readonly reservedPercent: number;
  /** Instances of the baseline to cover: ceil(baseline × reservedPercent / 100). */
  readonly reservedTarget: number;
  /** Reserved instances ÷ target in %, one decimal; null when the target is 0. */
  readonly coveragePercent: number | null;
  /** How the plan covers its target. */
  readonly coverage: 'none-needed' | 'uncovered' | 'under' | 'exact' | 'over';
  readonly lines: readonly ReservationLine[];
}

/** The whole purchase plan. */
export interface ReservedInstancePurchasePlan {
  readonly currency: string;
  readonly priceSource: string;
  readonly pricesAsOf: string;
  readonly paymentOption: string;
  readonly hoursPerMonth: number;
  readonly regions: readonly RegionReservationPlan[];
  readonly continents: readonly (PlanTotals & { readonly continent: Continent; readonly regions: readonly string[] })[];
  readonly total: PlanTotals;
}

/** A price the plan needs is not in the price table. */
export class MissingPriceError extends Error {
  constructor(
    readonly region: string,
    readonly instanceType: string,
  ) {
    super(
      `reserved-instance plan: no price for ${instanceType} in ${region}; add prices.regions["${region}"].instances["${instanceType}"] to the config's price table`,
    );
    this.name = 'MissingPriceError';
  }
}

const cents = (x: number): number => Math.round((x + Number.EPSILON) * 100) / 100;
const oneDecimal = (x: number): number => Math.round((x + Number.EPSILON) * 10) / 10;

function sum(items: readonly PlanTotals[]): PlanTotals {
  return {
    reservedInstances: items.reduce((n, t) => n + t.reservedInstances, 0),
    monthlyOnDemand: cents(items.reduce((n, t) => n + t.monthlyOnDemand, 0)),
    monthlyReserved: cents(items.reduce((n, t) => n + t.monthlyReserved, 0)),
    monthlySaving: cents(items.reduce((n, t) => n + t.monthlySaving, 0)),
  };
}

/** Builds the purchase plan of every compute region from the config and its price table. */
export function buildReservedInstancePlan(config: RegionsConfig): ReservedInstancePurchasePlan {
  const prices = config.prices;
  const hours = prices.hoursPerMonth;
  const regions: RegionReservationPlan[] = [];
  for (const spec of config.regions) {
    const rc = spec.reservedCapacity;
    if (!rc) continue;
    const lines: ReservationLine[] = rc.instanceTypes.map((r) => {
      const price = prices.regions[spec.id]?.instances[r.type];
      if (!price) throw new MissingPriceError(spec.id, r.type);
      const reservedHourly = r.term === '1year' ? price.reserved1YearHourly : price.reserved3YearHourly;
      const monthlyOnDemand = cents(r.count * price.onDemandHourly * hours);
      const monthlyReserved = cents(r.count * reservedHourly * hours);
      return {
        instanceType: r.type,
        count: r.count,
        term: r.term,
        paymentOption: prices.paymentOption,
        onDemandHourly: price.onDemandHourly,
        reservedHourly,
        monthlyOnDemand,
        monthlyReserved,
        monthlySaving: cents(monthlyOnDemand - monthlyReserved),
        savingPercent: monthlyOnDemand === 0 ? 0 : oneDecimal((100 * (monthlyOnDemand - monthlyReserved)) / monthlyOnDemand),
      };
    });
    const target = reservedTarget(rc);
    const totals = sum(lines.map((l) => ({ reservedInstances: l.count, ...l })));
    const count = totals.reservedInstances;
    regions.push({
      region: spec.id,
      continent: spec.continent,
      derived: rc.derived,
      baselineCapacity: rc.baselineCapacity,
      reservedPercent: rc.reservedPercent,
      reservedTarget: target,
      coveragePercent: target === 0 ? null : oneDecimal((100 * count) / target),
      coverage: count === target ? (target === 0 ? 'none-needed' : 'exact') : count > target ? 'over' : count === 0 ? 'uncovered' : 'under',
      ...totals,
      lines,
    });
  }
  const continents = config.continents.flatMap((c) => {
    const members = regions.filter((r) => r.continent === c.id);
    return members.length ? [{ continent: c.id, regions: members.map((r) => r.region), ...sum(members) }] : [];
  });
  return {
    currency: prices.currency,
    priceSource: prices.source,
    pricesAsOf: prices.asOf,
    paymentOption: prices.paymentOption,
    hoursPerMonth: hours,
    regions,
    continents,
    total: sum(regions),
  };
}

/** The plan as JSON (stable key order, trailing newline). */
export function renderReservedInstancePlanJson(plan: ReservedInstancePurchasePlan): string {
  return `${JSON.stringify(plan, null, 2)}\n`;
}

/**
 * An amount as en-US text with two decimals and thousands separators ("1,234.50"), what
 * `toLocaleString('en-US', …)` gives, without loading ICU's number formatting at synth (~15 ms).
 * Like ICU, it rounds the shortest decimal text of the number half away from zero (1.005 → "1.01",
 * where `toFixed` rounds the binary value to "1.00").
 */
export function money(x: number): string {
  const abs = Math.abs(x);
  if (!(abs < 1e21)) return x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const text = abs < 1e-6 ? '0' : String(abs); // fixed notation from 1e-6 up to 1e21
  const [whole, fraction = ''] = text.split('.');
  let cents = BigInt(whole + fraction.slice(0, 2).padEnd(2, '0'));
  if (fraction.length > 2 && fraction[2] >= '5') cents += 1n;
  const digits = cents.toString().padStart(3, '0');
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  return `${sign}${digits.slice(0, -2).replace(/\B(?=(\d{3})+$)/g, ',')}.${digits.slice(-2)}`;
}
const termText = (t: '1year' | '3year'): string => (t === '1year' ? '1 year' : '3 years');
const coverageText = (r: RegionReservationPlan): string => {
  switch (r.coverage) {
    case 'none-needed':
      return 'no reservation planned (0 % reserved)';
    case 'uncovered':
      return '0 % — nothing reserved';
    case 'under':
      return `${r.coveragePercent!.toFixed(1)} % — ${r.reservedTarget - r.reservedInstances} short`;
    case 'exact':
      return '100 %';
    case 'over':
      // A target of 0 (0 % reserved) with reservations declared anyway has no percentage.
      return r.coveragePercent === null
        ? `${r.reservedInstances} above target (0 % reserved)`
        : `${r.coveragePercent.toFixed(1)} % — ${r.reservedInstances - r.reservedTarget} above target`;
  }
};

function table(head: readonly string[], rows: readonly (readonly string[])[], right: readonly boolean[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(right.map((r) => (r ? '---:' : '---'))), ...rows.map(line)].join('\n');
}

/** The plan as Markdown tables a person reads and signs off. */
export function renderReservedInstancePlanMarkdown(plan: ReservedInstancePurchasePlan): string {
  const c = plan.currency;
  const out: string[] = [];
  out.push('# Reserved-instance purchase plan', '');
  out.push(
    'Terraform cannot buy reserved instances: this plan is generated by synth from `regions.config.ts` for a finance reviewer to sign off before the purchase.',
    '',
  );
  out.push(
    `Prices: ${c}, ${plan.paymentOption}, monthly = hourly × ${plan.hoursPerMonth} h. Source: ${plan.priceSource}. As of ${plan.pricesAsOf}.`,
    '',
  );
  out.push('## Reservations', '');
  out.push(
    table(
      [
        'continent',
        'region',
        'instance type',
        'count',
        'term',
        'payment',
        `on-demand / month (${c})`,
        `reserved / month (${c})`,
        `saving / month (${c})`,
        'saving',
      ],
      plan.regions.flatMap((r) =>
        r.lines.length === 0
          ? [[r.continent, r.region, '—', '0', '—', '—', '0.00', '0.00', '0.00', '—']]
          : r.lines.map((l) => [
              r.continent,
              r.region,
              l.instanceType,
              String(l.count),
              termText(l.term),
              l.paymentOption,
              money(l.monthlyOnDemand),
              money(l.monthlyReserved),
              money(l.monthlySaving),
              `${l.savingPercent.toFixed(1)} %`,
            ]),
      ),
      [false, false, false, true, false, false, true, true, true, true],
    ),
    '',
  );
  out.push('## Coverage of the reserved baseline', '');
  out.push(
    table(
      ['region', 'baseline (instances)', 'reserved share', 'target (instances)', 'reserved (instances)', 'coverage', 'plan'],
      plan.regions.map((r) => [
        r.region,
        String(r.baselineCapacity),
        `${r.reservedPercent} %`,
        String(r.reservedTarget),
        String(r.reservedInstances),
        coverageText(r),
        r.derived ? 'default derived from capacity' : 'declared in the config',
      ]),
      [false, true, true, true, true, false, false],
    ),
    '',
  );
  out.push('## Totals', '');
  out.push(
    table(
      ['scope', 'reserved instances', `on-demand / month (${c})`, `reserved / month (${c})`, `saving / month (${c})`],
      [
        ...plan.continents.map((t) => [
          `${t.continent} (${t.regions.join(', ')})`,
          String(t.reservedInstances),
          money(t.monthlyOnDemand),
          money(t.monthlyReserved),
          money(t.monthlySaving),
        ]),
        [
          '**all regions**',
          `**${plan.total.reservedInstances}**`,
          `**${money(plan.total.monthlyOnDemand)}**`,
          `**${money(plan.total.monthlyReserved)}**`,
          `**${money(plan.total.monthlySaving)}**`,
        ],
      ],
      [false, true, true, true, true],
    ),
    '',
  );
  return out.join('\n');
}
