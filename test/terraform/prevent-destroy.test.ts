/**
 * prevent_destroy proved with a real `terraform plan`: the test writes a state that already holds
 * the primary and a replica, then plans (offline, provider from the mirror) a configuration that
 * would replace them. Terraform must refuse; the same state with an unchanged configuration plans.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Testing, TerraformStack } from 'cdktf';
import { REPLICATION_PARAMETERS, ReplicatedDatabase } from '../../lib/data';
import type { IRegion } from '../../lib/region';
import { offlineProviderSettings } from '../../lib/offline';
import { findMirror, writeOfflineCliConfig } from '../../tools/terraform-mirror';
import { specOf } from '../helpers/platform';
import { hasCommand, requireTool } from '../helpers/tools';

const run = promisify(execFile);
const mirror = findMirror();
const ready =
  requireTool('terraform', hasCommand('terraform', ['version']), 'the Terraform CLI is not on PATH') &&
  requireTool('terraform', mirror.found, mirror.found ? '' : mirror.why);

const keyArn = (region: string, key: string) => `arn:aws:kms:${region}:123456789012:key/${key}`;

/** A region with literal attributes (no other resources), so the plan holds only the database. */
function region(stack: TerraformStack, id: string, key: string): IRegion {
  return {
    regionId: id,
    spec: specOf(id),
    provider: new AwsProvider(stack, id, { region: id, alias: id.replace(/-/g, '_'), ...offlineProviderSettings() }),
    key: { keyArn: keyArn(id, key), keyId: key, aliasName: `alias/${id}` },
    bucket: { bucketName: `b-${id}`, bucketArn: `arn:aws:s3:::b-${id}`, bucketDomainName: `b-${id}.s3.amazonaws.com` },
    network: {
      vpcId: `vpc-${id}`,
      cidr: specOf(id).cidr,
      availabilityZones: [...specOf(id).availabilityZones],
      publicSubnetIds: ['subnet-pub-a', 'subnet-pub-b'],
      privateSubnetIds: ['subnet-priv-a', 'subnet-priv-b'],
      privateRouteTableIds: ['rtb-a', 'rtb-b'],
      publicRouteTableId: 'rtb-pub',
    },
    securityGroups: { loadBalancerSecurityGroupId: 'sg-lb', gatewaySecurityGroupId: 'sg-gw', databaseSecurityGroupId: 'sg-db' },
  };
}

/** Synthesizes the database with the given region keys; returns the stack JSON and the instances' names. */
function synthDatabase(primaryKey: string, replicaKey: string, engineVersion = '16.8') {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'db');
  const home = region(stack, 'eu-west-1', primaryKey);
  const other = region(stack, 'eu-west-2', replicaKey);
  const db = new ReplicatedDatabase(stack, 'Db', { primaryRegion: home, regions: [home, other], projectName: 'tslj', engineVersion });
  const json = JSON.parse(Testing.synth(stack));
  const names = Object.keys(json.resource.aws_db_instance);
  const groups = Object.keys(json.resource.aws_db_parameter_group);
  return {
    json,
    db,
    primaryName: names.find((n) => n.includes('Primary'))!,
    replicaName: names.find((n) => n.includes('Replica'))!,
    parametersName: groups.find((n) => n.includes('PrimaryParameters'))!,
  };
}

/** A Terraform state (format 4) holding both instances as they were created with these keys. */
function stateFile(
  names: { primaryName: string; replicaName: string; parametersName: string },
  primaryKey: string,
  replicaKey: string,
): string {
  const { primaryName, replicaName, parametersName } = names;
  const provider = (alias: string) => `provider["registry.terraform.io/hashicorp/aws"].${alias}`;
  const common = {
    storage_encrypted: true,
    iam_database_authentication_enabled: true,
    deletion_protection: true,
    port: 5432,
    publicly_accessible: false,
    instance_class: 'db.r6g.large',
    engine: 'postgres',
    engine_version: '16.8',
    vpc_security_group_ids: ['sg-db'],
  };
  const primaryArn = 'arn:aws:rds:eu-west-1:123456789012:db:tslj-pg-eu-west-1';
  const instance = (name: string, alias: string, attributes: Record<string, unknown>) => ({
    mode: 'managed',
    type: 'aws_db_instance',
    name,
    provider: provider(alias),
    instances: [{ schema_version: 2, attributes, sensitive_attributes: [] }],
  });
  return JSON.stringify({
    version: 4,
    terraform_version: '1.10.0',
    serial: 1,
    lineage: 'prevent-destroy-test',
    outputs: {},
    resources: [
      {
        mode: 'managed',
        type: 'aws_db_parameter_group',
        name: parametersName,
        provider: provider('eu_west_1'),
        instances: [
          {
            schema_version: 0,
            attributes: {
              id: 'tslj-pg-eu-west-1-eu-west-1-20260101000000000000000001',
              name: 'tslj-pg-eu-west-1-eu-west-1-20260101000000000000000001',
              name_prefix: 'tslj-pg-eu-west-1-eu-west-1-',
              arn: 'arn:aws:rds:eu-west-1:123456789012:pg:tslj-pg-eu-west-1-eu-west-1-20260101000000000000000001',
              family: 'postgres16',
              description: 'tslj-pg-eu-west-1-eu-west-1: replication, TLS-only and slow-statement settings',
              parameter: REPLICATION_PARAMETERS.map((p) => ({ name: p.name, value: p.value, apply_method: p.applyMethod })),
            },
            sensitive_attributes: [],
          },
        ],
      },
      instance(primaryName, 'eu_west_1', {
        ...common,
        id: 'db-PRIMARY',
        identifier: 'tslj-pg-eu-west-1',
        arn: primaryArn,
        kms_key_id: keyArn('eu-west-1', primaryKey),
        username: 'dbadmin',
        multi_az: true,
        db_subnet_group_name: 'tslj-pg-eu-west-1-eu-west-1',
        parameter_group_name: 'tslj-pg-eu-west-1-eu-west-1-20260101000000000000000001',
      }),
      instance(replicaName, 'eu_west_2', {
        ...common,
        id: 'db-REPLICA',
        identifier: 'tslj-pg-eu-west-1-eu-west-2',
        arn: 'arn:aws:rds:eu-west-2:123456789012:db:tslj-pg-eu-west-1-eu-west-2',
        replicate_source_db: primaryArn,
        kms_key_id: keyArn('eu-west-2', replicaKey),
        multi_az: false,
        db_subnet_group_name: 'tslj-pg-eu-west-1-eu-west-2',
      }),
    ],
  });
}

(ready ? describe : describe.skip)('prevent_destroy on the database instances (real terraform plan)', () => {
  const work = mkdtempSync(join(tmpdir(), 'tslj-pd-'));
  const env = {
    ...process.env,
    TF_CLI_CONFIG_FILE: mirror.found ? writeOfflineCliConfig(join(work, 'tf'), mirror.path) : '',
    TF_IN_AUTOMATION: '1',
    CHECKPOINT_DISABLE: '1',
  };
  const plan = async (dir: string, primaryKey: string, replicaKey: string, engineVersion?: string) => {
    const names = synthDatabase(primaryKey, replicaKey, engineVersion);
    const { json, primaryName, replicaName } = names;
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'main.tf.json'), JSON.stringify(json));
    // The state as it was when the instances were created with keys "old-primary" and "old-replica".
    writeFileSync(join(dir, 'terraform.tfstate'), stateFile(names, 'old-primary', 'old-replica'));
    await run('terraform', ['init', '-input=false', '-no-color'], { cwd: dir, env, maxBuffer: 16 << 20 });
    return {
      primaryName,
      replicaName,
      parametersName: names.parametersName,
      result: run('terraform', ['plan', '-input=false', '-lock=false', '-refresh=false', '-no-color'], {
        cwd: dir,
        env,
        maxBuffer: 64 << 20,
      }),
    };
  };
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('plans an unchanged database without destroying anything (the control)', async () => {
    const { primaryName, result } = await plan(join(work, 'same'), 'old-primary', 'old-replica');
    const { stdout } = await result;
    expect(stdout).toMatch(/Plan: \d+ to add, \d+ to change, 0 to destroy\./);
    expect(stdout).toContain(`aws_db_instance.${primaryName} will be updated in-place`);
  });

  const refusal = async (dir: string, primaryKey: string, replicaKey: string) => {
    const { primaryName, replicaName, result } = await plan(join(work, dir), primaryKey, replicaKey);
    const failure = await result.then(
      () => undefined,
      (e: { stderr: string }) => e,
    );
    if (!failure) throw new Error('terraform plan succeeded; expected the prevent_destroy refusal');
    return { primaryName, replicaName, stderr: failure.stderr.replace(/\s+/g, ' ') };
  };

  it('refuses a change that would replace the primary (a new encryption key)', async () => {
    const { primaryName, stderr } = await refusal('primary-rekeyed', 'new-primary', 'old-replica');
    expect(stderr).toContain('Error: Instance cannot be destroyed');
    expect(stderr).toContain(
      `Resource aws_db_instance.${primaryName} has lifecycle.prevent_destroy set, but the plan calls for this resource to be destroyed.`,
    );
  });

  it('refuses a change that would replace a replica (a new encryption key in its region)', async () => {
    const { replicaName, primaryName, stderr } = await refusal('replica-rekeyed', 'old-primary', 'new-replica');
    expect(stderr).toContain(
      `Resource aws_db_instance.${replicaName} has lifecycle.prevent_destroy set, but the plan calls for this resource to be destroyed.`,
    );
    expect(stderr).not.toContain(`Resource aws_db_instance.${primaryName} has lifecycle.prevent_destroy`);
  });

  it('replaces a parameter group create-before-destroy, so the instance never points at a deleted group', async () => {
    // PostgreSQL 16 → 17 needs a postgres17 group: a replacement the instance must survive.
    const { parametersName, primaryName, result } = await plan(join(work, 'major-upgrade'), 'old-primary', 'old-replica', '17.2');
    const { stdout } = await result;
    expect(stdout).toContain(`aws_db_parameter_group.${parametersName} must be replaced`);
    expect(stdout).toMatch(/\+\/- resource "aws_db_parameter_group"/);
    expect(stdout).toContain(`aws_db_instance.${primaryName} will be updated in-place`);
    expect(stdout).toMatch(/Plan: \d+ to add, \d+ to change, 1 to destroy\./);
  });
});
