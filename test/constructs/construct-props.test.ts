/** Construct props that were written unchecked (a review found them), each refused by its field name. */
import { TerraformStack, Testing } from 'cdktf';
import { ReservedCapacity } from '../../lib/capacity';
import { DEFAULT_AUTO_SCALING } from '../../lib/config/defaults';
import { DatabaseEndpoints, ReplicatedDatabase, ZoneNetwork } from '../../lib/data';
import { RegionIngress } from '../../lib/edge/region-ingress';
import { Region } from '../../lib/region';
import { ACCOUNT, synthData } from '../helpers/data';
import { specOf } from '../helpers/platform';

const EMEA = ['eu-west-1', 'eu-central-1'];

describe('construct props named when wrong', () => {
  it('ReplicatedDatabase: alarm actions for a region without a replica (before: ignored)', () => {
    expect(() =>
      synthData(EMEA, (stack, regions) => {
        new ReplicatedDatabase(stack, 'Db', {
          primaryRegion: regions[0],
          regions,
          projectName: 'taishanglaojun',
          alarmActions: { 'us-east-9': ['arn:aws:sns:us-east-9:111122223333:x'] },
        });
      }),
    ).toThrow('test/Db: alarmActions.us-east-9 "us-east-9" is not allowed; allowed: a region with a replica: eu-central-1');
  });

  it('DatabaseEndpoints: a domain that is not a lower-case DNS name (before: zone "eu.db.Contoso_test")', () => {
    expect(() =>
      synthData(EMEA, (stack, regions) => {
        new DatabaseEndpoints(stack, 'Dns', { residencyZone: 'emea', domain: 'Contoso_test', regions, databases: [] });
      }),
    ).toThrow(/test\/Dns: domain "Contoso_test" is not allowed; allowed: a lower-case DNS name/);
  });

  it('ZoneNetwork: an empty name prefix (before: Name tags "-eu-west-1-eu-central-1")', () => {
    expect(() =>
      synthData(EMEA, (stack, regions) => new ZoneNetwork(stack, 'Net', { regions, accountId: ACCOUNT, namePrefix: '' })),
    ).toThrow(/test\/Net: namePrefix "" is not allowed; allowed: lower-case letters, digits and "-", not empty/);
  });

  it('ReservedCapacity: a term AWS does not sell, a type listed twice, a share over 100 % (before: passed to the construct)', () => {
    const stack = new TerraformStack(Testing.app(), 's');
    const region = new Region(stack, 'ap-east-1', { spec: specOf('ap-east-1'), projectName: 'p-x', accountId: ACCOUNT });
    const plan = (instanceTypes: { type: string; count: number; term: string }[], reservedPercent = 50) =>
      ({ baselineCapacity: 100, reservedPercent, instanceTypes }) as never;
    expect(
      () =>
        new ReservedCapacity(stack, 'A', {
          region,
          scaling: DEFAULT_AUTO_SCALING,
          reservedCapacity: plan([{ type: 'c5.2xlarge', count: 5, term: '2year' }]),
        }),
    ).toThrow('s/A: reservedCapacity.instanceTypes[0].term "2year" is not allowed; allowed: "1year" or "3year"');
    const twice = [
      { type: 'c5.2xlarge', count: 5, term: '1year' },
      { type: 'c5.2xlarge', count: 5, term: '3year' },
    ];
    expect(() => new ReservedCapacity(stack, 'B', { region, scaling: DEFAULT_AUTO_SCALING, reservedCapacity: plan(twice) })).toThrow(
      's/B: reservedCapacity.instanceTypes[1].type "c5.2xlarge" is not allowed; allowed: each instance type once (it names a node group)',
    );
    expect(
      () =>
        new ReservedCapacity(stack, 'C', {
          region,
          scaling: DEFAULT_AUTO_SCALING,
          reservedCapacity: plan([{ type: 'c5.2xlarge', count: 5, term: '1year' }], 150),
        }),
    ).toThrow('s/C: reservedCapacity.reservedPercent 150 is not allowed; allowed: a number from 0 to 100');
  });

  it('RegionIngress: a region that runs no gateway (before: a load balancer in front of nothing)', () => {
    const stack = new TerraformStack(Testing.app(), 's');
    const spec = { ...specOf('eu-west-2'), services: ['storage' as const] };
    const region = new Region(stack, 'eu-west-2', { spec, projectName: 'p-x', accountId: ACCOUNT });
    expect(() => new RegionIngress(stack, 'In', { region, projectName: 'p-x', accountId: ACCOUNT, gatewayHost: 'gw.example.com' })).toThrow(
      's/In: region "eu-west-2" is not allowed; allowed: a region that runs "compute" (the gateway behind the load balancer); eu-west-2 runs storage',
    );
  });
});
