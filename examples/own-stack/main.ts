/**
 * Example: a platform team's own cdktf app that imports our constructs and puts one Region into a
 * stack of its own, from a config object of its own. Synthesized in CI (test/examples.test.ts).
 *
 *   CDKTF_OUTDIR=/tmp/own-stack node --import tsx examples/own-stack/main.ts
 */
import { App, TerraformStack } from 'cdktf';
import { Region, validateRegionsConfig, type RegionsConfigInput } from '@taishanglaojun/infra';

const myConfig: RegionsConfigInput = {
  project: { name: 'acme-ai', domain: 'acme.example', apiHost: 'api.acme.example', gcpProject: 'acme-ai-edge' },
  residencyZones: [{ id: 'emea' }],
  regions: [
    {
      id: 'eu-north-1',
      location: 'Stockholm',
      continent: 'EMEA',
      primary: true,
      compliance: ['GDPR'],
      residencyZone: 'emea',
      availabilityZones: ['eu-north-1a', 'eu-north-1b'],
      cidr: '10.50.0.0/16',
      countries: ['SE', 'FI', 'NO'],
      latencyThresholdMs: 60,
      capacity: 2000,
    },
  ],
  // Every compute region needs prices (the reserved-instance plan is checked against them): a team's
  // own figures, with their source and date. These are placeholders of the example, not AWS's prices.
  prices: {
    currency: 'USD',
    source: 'example figures of the acme platform team (placeholders; take real ones from the AWS Price List API)',
    asOf: '2026-11',
    paymentOption: 'No Upfront',
    regions: {
      'eu-north-1': {
        instances: { 'c5.2xlarge': { onDemandHourly: 0.365, reserved1YearHourly: 0.23, reserved3YearHourly: 0.157 } },
        storageGbMonth: 0.023,
        networkGb: 0.09,
      },
    },
  },
};

const config = validateRegionsConfig(myConfig, 'examples/own-stack');
const app = new App();
const stack = new TerraformStack(app, 'acme-nordics');
for (const spec of config.regions) {
  new Region(stack, spec.id, { spec, projectName: config.project.name, accountId: '111122223333', network: { natGatewayPerAz: false } });
}
app.synth();
