/**
 * Example: the data tier in a stack of your own — two regions of one residency zone, peered, with a
 * replicated PostgreSQL, stable private DNS names, in-zone backups and a registry per region.
 * Synthesized in CI (test/examples.test.ts).
 *
 *   CDKTF_OUTDIR=/tmp/data-tier node --import tsx examples/data-tier/main.ts
 */
import { App, TerraformStack } from 'cdktf';
import {
  ContainerRegistry,
  DatabaseEndpoints,
  Region,
  ReplicatedDatabase,
  ZoneBackup,
  ZoneNetwork,
  validateRegionsConfig,
  type RegionsConfigInput,
} from '@taishanglaojun/infra';

const region = (id: string, primary: boolean, cidr: string, countries: string[]) => ({
  id,
  location: id,
  continent: 'EMEA' as const,
  primary,
  compliance: ['GDPR' as const],
  residencyZone: 'emea',
  availabilityZones: [`${id}a`, `${id}b`],
  cidr,
  countries,
  latencyThresholdMs: 60,
  capacity: 2000,
});
const myConfig: RegionsConfigInput = {
  project: { name: 'acme-ai', domain: 'acme.example', apiHost: 'api.acme.example', gcpProject: 'acme-ai-edge' },
  residencyZones: [{ id: 'emea' }],
  regions: [region('eu-west-1', true, '10.50.0.0/16', ['IE', 'SE', 'FI']), region('eu-central-1', false, '10.51.0.0/16', ['DE', 'AT'])],
};

const config = validateRegionsConfig(myConfig, 'examples/data-tier');
const app = new App();
const stack = new TerraformStack(app, 'acme-data');
const accountId = '111122223333';
const project = config.project.name;
const [dublin, frankfurt] = config.regions.map(
  (spec) => new Region(stack, spec.id, { spec, projectName: project, accountId, network: { natGatewayPerAz: false } }),
);
const zone = [dublin, frankfurt];

new ZoneNetwork(stack, 'Network', { regions: zone, accountId, namePrefix: project });
const orders = new ReplicatedDatabase(stack, 'Orders', {
  primaryRegion: dublin,
  regions: zone, // the replica goes to Frankfurt, the zone's other storage region
  projectName: project,
  databaseName: 'orders',
  instanceClass: 'db.r6g.xlarge',
  backupRetentionDays: 14,
});
new DatabaseEndpoints(stack, 'Dns', { residencyZone: 'emea', domain: config.project.domain, regions: zone, databases: [orders] });
new ZoneBackup(stack, 'Backup', { residencyZone: 'emea', regions: zone, databases: [orders], projectName: project });
new ContainerRegistry(stack, 'RegistryDublin', { region: dublin, projectName: project, accountId, replicateTo: [frankfurt] });
new ContainerRegistry(stack, 'RegistryFrankfurt', { region: frankfurt, projectName: project, accountId });
app.synth();
