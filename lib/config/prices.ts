/**
 * The default price table: what an instance, a GB stored and a GB sent cost in each region of the
 * shipped config. Used by the reserved-instance purchase plan (lib/reports) and, through the
 * routing table, by the runtime's cost planner.
 *
 * SOURCE AND DATE — read before signing anything: the figures are AWS public list prices (USD,
 * Linux, shared tenancy) as published on the Amazon EC2 On-Demand and Reserved Instance pricing
 * pages, the Amazon S3 pricing page (S3 Standard, first 50 TB) and the EC2 data-transfer page
 * (out to the internet, first 10 TB/month), as of 2024-06. They were written from the published
 * lists without network access and NOT re-verified from this machine; several reserved rates are
 * rounded from the usual ratio to on-demand (1-year ≈ 63 %, 3-year ≈ 43 %, Standard, No Upfront).
 * Replace the table in `regions.config.ts` (`prices`) with figures from the AWS Price List API
 * before a purchase.
 */

/** Hourly prices of one instance type in one region. */
export interface InstancePriceInput {
  /** On-demand price per instance-hour. */
  readonly onDemandHourly: number;
  /** Effective hourly price of a 1-year Standard reservation with the table's payment option. */
  readonly reserved1YearHourly: number;
  /** Effective hourly price of a 3-year Standard reservation with the table's payment option. */
  readonly reserved3YearHourly: number;
}

/** Prices of one region. */
export interface RegionPriceInput {
  /** Per instance type, e.g. "c5.2xlarge". */
  readonly instances: Readonly<Record<string, InstancePriceInput>>;
  /** Object storage per GB-month. */
  readonly storageGbMonth: number;
  /** Data sent to the internet per GB. */
  readonly networkGb: number;
}

const price = (onDemandHourly: number, reserved1YearHourly: number, reserved3YearHourly: number): InstancePriceInput => ({
  onDemandHourly,
  reserved1YearHourly,
  reserved3YearHourly,
});

/** c5/m5 sizes the design reserves; the same four per region. */
const instances = (c52: InstancePriceInput, c54: InstancePriceInput, m51: InstancePriceInput, m52: InstancePriceInput) => ({
  'c5.2xlarge': c52,
  'c5.4xlarge': c54,
  'm5.xlarge': m51,
  'm5.2xlarge': m52,
});

/** The shipped price table (see the file comment for its source and date). */
export const DEFAULT_PRICES = {
  currency: 'USD',
  source:
    'AWS public list prices (EC2 On-Demand and Reserved Instances, Linux, shared tenancy; S3 Standard; data transfer out to the internet, first 10 TB), written from the published pages without network access and not re-verified from this machine; some reserved rates rounded from the usual on-demand ratio',
  asOf: '2024-06',
  paymentOption: 'No Upfront',
  hoursPerMonth: 730,
  regions: {
    'ap-east-1': {
      instances: instances(price(0.472, 0.297, 0.204), price(0.944, 0.594, 0.408), price(0.264, 0.166, 0.114), price(0.528, 0.333, 0.228)),
      storageGbMonth: 0.025,
      networkGb: 0.12,
    },
    'ap-southeast-1': {
      instances: instances(price(0.392, 0.247, 0.169), price(0.784, 0.494, 0.338), price(0.24, 0.151, 0.104), price(0.48, 0.302, 0.207)),
      storageGbMonth: 0.025,
      networkGb: 0.12,
    },
    'ap-northeast-1': {
      instances: instances(price(0.428, 0.27, 0.185), price(0.856, 0.54, 0.37), price(0.248, 0.156, 0.107), price(0.496, 0.312, 0.214)),
      storageGbMonth: 0.025,
      networkGb: 0.114,
    },
    'ap-south-1': {
      instances: instances(price(0.34, 0.214, 0.147), price(0.68, 0.428, 0.294), price(0.202, 0.127, 0.087), price(0.404, 0.254, 0.175)),
      storageGbMonth: 0.025,
      networkGb: 0.1093,
    },
    'eu-west-1': {
      instances: instances(price(0.384, 0.242, 0.166), price(0.768, 0.484, 0.332), price(0.214, 0.135, 0.092), price(0.428, 0.27, 0.184)),
      storageGbMonth: 0.023,
      networkGb: 0.09,
    },
    'eu-central-1': {
      instances: instances(price(0.388, 0.244, 0.168), price(0.776, 0.488, 0.336), price(0.23, 0.145, 0.099), price(0.46, 0.29, 0.198)),
      storageGbMonth: 0.0245,
      networkGb: 0.09,
    },
    'eu-west-2': {
      instances: instances(price(0.404, 0.254, 0.175), price(0.808, 0.508, 0.35), price(0.222, 0.14, 0.096), price(0.444, 0.28, 0.192)),
      storageGbMonth: 0.024,
      networkGb: 0.09,
    },
    'us-east-1': {
      instances: instances(price(0.34, 0.214, 0.147), price(0.68, 0.428, 0.294), price(0.192, 0.121, 0.083), price(0.384, 0.242, 0.166)),
      storageGbMonth: 0.023,
      networkGb: 0.09,
    },
    'us-west-2': {
      instances: instances(price(0.34, 0.214, 0.147), price(0.68, 0.428, 0.294), price(0.192, 0.121, 0.083), price(0.384, 0.242, 0.166)),
      storageGbMonth: 0.023,
      networkGb: 0.09,
    },
    'ca-central-1': {
      instances: instances(price(0.372, 0.234, 0.161), price(0.744, 0.468, 0.322), price(0.214, 0.135, 0.092), price(0.428, 0.27, 0.184)),
      storageGbMonth: 0.025,
      networkGb: 0.09,
    },
  } satisfies Record<string, RegionPriceInput>,
} as const;

/** vCPUs of an instance size in the c/m/r families: medium 1, large 2, xlarge 4, Nxlarge 4N; undefined otherwise (metal, …). */
export function vcpusOf(instanceType: string): number | undefined {
  const size = instanceType.split('.')[1] ?? '';
  if (size === 'medium') return 1;
  if (size === 'large') return 2;
  const m = /^(\d*)xlarge$/.exec(size);
  return m ? 4 * (m[1] === '' ? 1 : Number(m[1])) : undefined;
}
