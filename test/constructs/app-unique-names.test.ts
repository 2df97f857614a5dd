/**
 * Physical names shared across the stacks of one app: two constructs that would create resources
 * with the same AWS or Google name fail synth naming both (terraform validate and plan pass them; apply
 * does not).
 */
import { App, TerraformStack, TerraformVariable, Testing } from 'cdktf';
import type { IConstruct } from 'constructs';
import { ReservedCapacity } from '../../lib/capacity';
import { ContainerRegistry } from '../../lib/data';
import { CdnZone } from '../../lib/edge/cdn-zone';
import { GlobalIngress } from '../../lib/edge/global-ingress';
import { RegionIngress } from '../../lib/edge/region-ingress';
import { Region } from '../../lib/region';
import { specOf, validConfig } from '../helpers/platform';

const errorsOf = (app: IConstruct): string[] => app.node.findAll().flatMap((c) => c.node.validate());
const region = (scope: TerraformStack, id: string, projectName = 'acme', accountId = '111122223333') =>
  new Region(scope, id, { spec: specOf(id), projectName, accountId });

describe('names that must be unique in an app, not only in a stack', () => {
  it("two stacks with the same project's region in one account: both Regions named", () => {
    const app = Testing.app();
    region(new TerraformStack(app, 'one'), 'eu-west-1');
    region(new TerraformStack(app, 'two'), 'eu-west-1');
    expect(errorsOf(app)).toEqual([
      'the names of Region eu-west-1 of project "acme" (bucket, key alias, cluster, trail, IAM roles): created again at two/eu-west-1; allowed: one Region per region id, project and account in an app (another project name, or another account)',
      'the names of Region eu-west-1 of project "acme" (bucket, key alias, cluster, trail, IAM roles): created again at one/eu-west-1; allowed: one Region per region id, project and account in an app (another project name, or another account)',
    ]);
  });

  it('another project, another account, or another region is no collision; an account given as a variable may be the same', () => {
    const app = Testing.app();
    region(new TerraformStack(app, 'a'), 'eu-west-1');
    region(new TerraformStack(app, 'b'), 'eu-west-1', 'other');
    region(new TerraformStack(app, 'c'), 'eu-west-1', 'acme', '444455556666');
    region(new TerraformStack(app, 'd'), 'eu-west-2');
    expect(errorsOf(app)).toEqual([]);
    const stack = new TerraformStack(app, 'e');
    region(stack, 'eu-west-2', 'acme', new TerraformVariable(stack, 'account', { type: 'string' }).stringValue);
    expect(errorsOf(app).join('\n')).toContain(
      'Region eu-west-2 of project "acme" (bucket, key alias, cluster, trail, IAM roles): created again at d/eu-west-2',
    );
  });

  it('two RegionIngress, two ReservedCapacity or two registries with one image on a region', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 's');
    const r = region(stack, 'eu-west-1');
    const ingress = { region: r, projectName: 'acme', accountId: '111122223333', gatewayHost: 'gw.acme.test' };
    new RegionIngress(stack, 'In1', ingress);
    new RegionIngress(stack, 'In2', ingress);
    const scaling = validConfig.autoScaling;
    new ReservedCapacity(stack, 'Cap1', { region: r, scaling });
    new ReservedCapacity(stack, 'Cap2', { region: r, scaling });
    new ContainerRegistry(stack, 'Reg1', { region: r, projectName: 'acme', accountId: '111122223333', images: ['gw'] });
    new ContainerRegistry(stack, 'Reg2', { region: r, projectName: 'acme', accountId: '111122223333', images: ['other', 'gw'] });
    const errors = errorsOf(app).join('\n');
    expect(errors).toContain(
      'the names of the ingress of eu-west-1 for project "acme" (load balancer, target group, log bucket): created again at s/In2; allowed: one RegionIngress per region, project and account in an app',
    );
    expect(errors).toContain(
      'the node role, launch template and node groups of the cluster of eu-west-1: created again at s/Cap2; allowed: one ReservedCapacity per cluster',
    );
    expect(errors).toContain(
      'the repository acme/gw in eu-west-1: created again at s/Reg2; allowed: one repository per name, region and account in an app',
    );
    expect(errors).not.toContain('acme/other');
  });

  it('registries of the same project and region in two accounts are no collision', () => {
    const app = Testing.app();
    for (const [stackId, account] of [
      ['prod', '111122223333'],
      ['staging', '444455556666'],
    ]) {
      const stack = new TerraformStack(app, stackId);
      const r = region(stack, 'eu-west-1', 'acme', account);
      new ContainerRegistry(stack, 'Registry', { region: r, projectName: 'acme', accountId: account });
    }
    expect(errorsOf(app)).toEqual([]);
  });

  it('two registries replicating from one region and account: one replication configuration would replace the other', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 's');
    const [home, other] = [region(stack, 'eu-west-1'), region(stack, 'eu-central-1')];
    new ContainerRegistry(stack, 'Acme', { region: home, projectName: 'acme', accountId: '111122223333', replicateTo: [other] });
    new ContainerRegistry(stack, 'Beta', { region: home, projectName: 'beta', accountId: '111122223333', replicateTo: [other] });
    // Without replication, or in another account, a second registry in the region is fine.
    new ContainerRegistry(stack, 'Gamma', { region: home, projectName: 'gamma', accountId: '111122223333' });
    const staging = new TerraformStack(app, 'staging');
    const [home2, other2] = [region(staging, 'eu-west-1', 'acme', '444455556666'), region(staging, 'eu-central-1', 'acme', '444455556666')];
    new ContainerRegistry(staging, 'Delta', { region: home2, projectName: 'delta', accountId: '444455556666', replicateTo: [other2] });
    expect(errorsOf(app).filter((e) => e.includes('replication'))).toEqual([
      'the ECR replication configuration of eu-west-1 (one per account and region): created again at s/Beta; allowed: one ContainerRegistry with replicateTo per region and account (give it every image: images [...])',
      'the ECR replication configuration of eu-west-1 (one per account and region): created again at s/Acme; allowed: one ContainerRegistry with replicateTo per region and account (give it every image: images [...])',
    ]);
  });

  it('two GlobalIngress for one project and Google project', () => {
    const app = Testing.app();
    new GlobalIngress(new TerraformStack(app, 'g1'), 'Ingress', { config: validConfig });
    new GlobalIngress(new TerraformStack(app, 'g2'), 'Ingress', { config: validConfig });
    expect(errorsOf(app).join('\n')).toContain(
      'the Google resources of project "taishanglaojun" (certificate, backend services, URL maps, security policy): created again at g2/Ingress; allowed: one GlobalIngress per project and Google Cloud project in an app',
    );
  });

  it('two CdnZones for one zone name, in one stack or two, whatever the Cloudflare account (before: the zone was created twice)', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'edge');
    const ingress = new GlobalIngress(stack, 'Ingress', { config: validConfig });
    new CdnZone(stack, 'Cdn1', { config: validConfig, ingress, accountId: '0123456789abcdef0123456789abcdef' });
    new CdnZone(stack, 'Cdn2', { config: validConfig, ingress, accountId: 'fedcba9876543210fedcba9876543210' });
    new CdnZone(new TerraformStack(app, 'other'), 'Cdn', { config: validConfig, ingress, accountId: '0123456789abcdef0123456789abcdef' });
    const zone = `the Cloudflare zone "${validConfig.project.domain}" (zone, settings, API records, load balancer): created again at`;
    expect(errorsOf(app).filter((e) => e.startsWith('the Cloudflare zone'))).toEqual([
      `${zone} edge/Cdn2, other/Cdn; allowed: one CdnZone per zone name in an app`,
      `${zone} edge/Cdn1, other/Cdn; allowed: one CdnZone per zone name in an app`,
      `${zone} edge/Cdn1, edge/Cdn2; allowed: one CdnZone per zone name in an app`,
    ]);
  });

  it('a registry listing one image twice is named by its field', () => {
    const stack = new TerraformStack(new App(), 's');
    const r = region(stack, 'eu-west-1');
    expect(
      () => new ContainerRegistry(stack, 'Reg', { region: r, projectName: 'acme', accountId: '111122223333', images: ['gw', 'gw'] }),
    ).toThrow('s/Reg: images[1] "gw" is given twice; allowed: each image name once (one repository each)');
  });

  it("a registry in another account than its region's is named by its field", () => {
    const stack = new TerraformStack(new App(), 's');
    const r = region(stack, 'eu-west-1', 'acme', '111122223333');
    expect(() => new ContainerRegistry(stack, 'Reg', { region: r, projectName: 'acme', accountId: '444455556666' })).toThrow(
      's/Reg: accountId "444455556666" is not allowed; allowed: the account of region eu-west-1 ("111122223333")',
    );
    // A token on either side cannot be compared: accepted.
    const account = new TerraformVariable(stack, 'account', { type: 'string' }).stringValue;
    expect(() => new ContainerRegistry(stack, 'Tok', { region: r, projectName: 'tok', accountId: account })).not.toThrow();
  });

  it('the shipped platform claims no name twice', () => {
    const { buildPlatform } = require('../../stacks/platform') as typeof import('../../stacks/platform');
    const app = Testing.app();
    buildPlatform(app, validConfig);
    expect(errorsOf(app).filter((e) => e.includes('created again at'))).toEqual([]);
  });
});
