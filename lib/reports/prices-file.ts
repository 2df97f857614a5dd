/**
 * The price file the runtime's cost planner reads (`cdktf.out/reports/prices.json`): unit prices per
 * region derived from the config's price table, so nothing is declared twice.
 */
import type { RegionsConfig } from '../config';
import { vcpusOf } from '../config/prices';

export { vcpusOf };
import type { PriceFile } from '../../runtime/cost';

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
