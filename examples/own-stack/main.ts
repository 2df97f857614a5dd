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
};

const config = validateRegionsConfig(myConfig, 'examples/own-stack');
const app = new App();
const stack = new TerraformStack(app, 'acme-nordics');
for (const spec of config.regions) {
  new Region(stack, spec.id, { spec, projectName: config.project.name, accountId: '111122223333', network: { natGatewayPerAz: false } });
}
app.synth();
