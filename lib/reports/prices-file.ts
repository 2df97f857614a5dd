/**
 * The price file the runtime's cost planner reads (`cdktf.out/reports/prices.json`): unit prices per
 * region derived from the config's price table, so nothing is declared twice.
 */
import type { RegionsConfig } from '../config';
import type { PriceFile } from '../../runtime/cost';

/** vCPUs of an instance size in the c/m/r families: medium 1, large 2, xlarge 4, Nxlarge 4N; undefined otherwise (metal, …). */
export function vcpusOf(instanceType: string): number | undefined {
  const size = instanceType.split('.')[1] ?? '';
  if (size === 'medium') return 1;
  if (size === 'large') return 2;
  const m = /^(\d*)xlarge$/.exec(size);
  return m ? 4 * (m[1] === '' ? 1 : Number(m[1])) : undefined;
}

/**
 * Unit prices per region: the vCPU-hour is the lowest on-demand price per vCPU among the region's
 * priced instance types; storage and network as in the table. Regions without a sized instance
 * type are left out (the planner then names them as unpriced).
 */
export function buildPriceFile(config: RegionsConfig): PriceFile {
  const regions: PriceFile['regions'] = {};
  for (const [region, p] of Object.entries(config.prices.regions).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const perVcpu = Object.entries(p.instances).flatMap(([type, price]) => {
      const vcpus = vcpusOf(type);
      return vcpus ? [price.onDemandHourly / vcpus] : [];
    });
    if (perVcpu.length === 0) continue;
    regions[region] = {
      vcpuHour: Math.round(Math.min(...perVcpu) * 1e6) / 1e6,
      storageGbMonth: p.storageGbMonth,
      networkGb: p.networkGb,
    };
  }
  return {
    currency: config.prices.currency,
    source: `${config.prices.source}; vCPU-hour = lowest on-demand price per vCPU among the region's priced instance types`,
    asOf: config.prices.asOf,
    regions,
  };
}
