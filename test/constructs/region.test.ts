import { Cloudtrail } from '@cdktf/provider-aws/lib/cloudtrail';
import { EksCluster } from '@cdktf/provider-aws/lib/eks-cluster';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Testing, TerraformStack, TerraformVariable } from 'cdktf';
import { resolve as resolveTokens } from 'cdktf/lib/_tokens';
import {
  Region,
  RegionCluster,
  type IRegionBucket,
  type IRegionCluster,
  type IRegionKey,
  type IRegionNetwork,
  type IRegionSecurityGroups,
} from '../../lib/region';
import { resourcesOf, specOf, synthRegion, validRoutingTableJson } from '../helpers/platform';
import { ConfigValidationError } from '../../lib/config/errors';
import { formatProblem } from '../../runtime/problem';

describe('Region: encryption key', () => {
  const { json, tf } = synthRegion('eu-central-1');
  it('is customer-managed with rotation and a 30-day deletion window', () => {
    expect(json).toHaveResourceWithProperties(KmsKey, { enable_key_rotation: true, deletion_window_in_days: 30 });
  });
  it('lets only the account, CloudTrail, log delivery, CloudWatch Logs (database logs) and Auto Scaling (node volumes) use it', () => {
    const policy = JSON.parse(resourcesOf(tf, 'aws_kms_key')[0].policy);
    expect(policy.Statement.map((s: { Sid: string }) => s.Sid)).toEqual([
      'AccountAdministers',
      'CloudTrailEncryptsLogs',
      'LogDeliveryEncryptsFlowLogs',
      'CloudWatchLogsEncryptsDatabaseLogs',
      'CloudWatchLogsEncryptsAuditLogs',
      'CloudWatchAlarmsPublishToEncryptedTopic',
      'AutoScalingEncryptsNodeVolumes',
      'AutoScalingGrantsForNodeVolumes',
    ]);
    expect(policy.Statement[3].Principal.Service).toBe('logs.eu-central-1.amazonaws.com');
    expect(policy.Statement[3].Condition.ArnLike['kms:EncryptionContext:aws:logs:arn']).toBe(
      'arn:aws:logs:eu-central-1:111122223333:log-group:/aws/rds/*',
    );
    expect(policy.Statement[0].Principal.AWS).toBe('arn:aws:iam::111122223333:root');
    const autoScaling = 'arn:aws:iam::111122223333:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling';
    expect(policy.Statement[4].Condition.ArnLike['kms:EncryptionContext:aws:logs:arn']).toBe(
      'arn:aws:logs:eu-central-1:111122223333:log-group:/aws/cloudtrail/*',
    );
    expect(policy.Statement[6].Principal.AWS).toBe(autoScaling);
    expect(policy.Statement[7]).toMatchObject({
      Principal: { AWS: autoScaling },
      Action: 'kms:CreateGrant',
      Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    });
  });
  it('has an alias named after the project and region', () => {
    expect(resourcesOf(tf, 'aws_kms_alias')[0].name).toBe('alias/taishanglaojun-eu-central-1');
  });
});

/** A bucket sub-resource of the region bucket (not of its access-log bucket). */
const ofRegionBucket = (r: { bucket: string }) => /Storage_Bucket/.test(r.bucket) && !/AccessLogs/.test(r.bucket);

describe('Region: object storage', () => {
  const { json, tf } = synthRegion('eu-central-1');
  it('is versioned, KMS-encrypted with the region key and not force-destroyed', () => {
    expect(json).toHaveResourceWithProperties(S3Bucket, { bucket: 'taishanglaojun-eu-central-1-111122223333', force_destroy: false });
    expect(json).toHaveResourceWithProperties(S3BucketVersioningA, { versioning_configuration: { status: 'Enabled' } });
    const sse = resourcesOf(tf, 'aws_s3_bucket_server_side_encryption_configuration').find(ofRegionBucket);
    expect(sse.rule[0].apply_server_side_encryption_by_default.sse_algorithm).toBe('aws:kms');
    expect(sse.rule[0].apply_server_side_encryption_by_default.kms_master_key_id).toMatch(/aws_kms_key\..*\.arn/);
    expect(json).toHaveResource(S3BucketServerSideEncryptionConfigurationA);
  });
  it('blocks every kind of public access', () => {
    expect(json).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
  });
  it('denies requests without TLS and lets CloudTrail write only its own prefix', () => {
    const policy = JSON.parse(resourcesOf(tf, 'aws_s3_bucket_policy').find(ofRegionBucket).policy);
    const deny = policy.Statement.find((s: { Sid: string }) => s.Sid === 'DenyInsecureTransport');
    expect(deny).toMatchObject({ Effect: 'Deny', Principal: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
    const write = policy.Statement.find((s: { Sid: string }) => s.Sid === 'CloudTrailWrite');
    expect(write.Resource).toMatch(/\/audit\/AWSLogs\/111122223333\/\*$/);
    expect(write.Condition.StringEquals['aws:SourceArn']).toBe(
      'arn:aws:cloudtrail:eu-central-1:111122223333:trail/taishanglaojun-eu-central-1-audit',
    );
  });
  it('enforces bucket-owner object ownership (no ACLs)', () => {
    expect(resourcesOf(tf, 'aws_s3_bucket_ownership_controls')[0].rule.object_ownership).toBe('BucketOwnerEnforced');
  });
});

describe('Region: audit trail', () => {
  const { json, tf } = synthRegion('eu-central-1');
  it('validates log files, encrypts with the region key and writes under audit/', () => {
    expect(json).toHaveResourceWithProperties(Cloudtrail, {
      name: 'taishanglaojun-eu-central-1-audit',
      enable_log_file_validation: true,
      s3_key_prefix: 'audit',
      is_multi_region_trail: false,
    });
    expect(resourcesOf(tf, 'aws_cloudtrail')[0].kms_key_id).toMatch(/aws_kms_key\..*\.arn/);
  });
  it('waits for the bucket policy that lets it write', () => {
    expect(resourcesOf(tf, 'aws_cloudtrail')[0].depends_on.join()).toMatch(/aws_s3_bucket_policy/);
  });
  it('records global service events only in us-east-1 by default; elsewhere on request, as a multi-region trail', () => {
    const trailOf = (id: string, extra = {}) => {
      const t = resourcesOf(synthRegion(id, extra).tf, 'aws_cloudtrail')[0];
      return [t.is_multi_region_trail, t.include_global_service_events];
    };
    expect(trailOf('us-east-1')).toEqual([false, true]);
    expect(trailOf('eu-central-1')).toEqual([false, false]);
    expect(trailOf('eu-central-1', { globalServiceEvents: true })).toEqual([true, true]);
    expect(trailOf('us-east-1', { globalServiceEvents: false })).toEqual([false, false]);
    expect(() => synthRegion('eu-central-1', { globalServiceEvents: 'yes' as unknown as boolean })).toThrow(
      'test/eu-central-1: globalServiceEvents "yes" is not allowed; allowed: true or false',
    );
  });
});

describe('Region: network', () => {
  const { json, tf } = synthRegion('eu-central-1');
  it('is a VPC on the configured CIDR with DNS on', () => {
    expect(json).toHaveResourceWithProperties(Vpc, { cidr_block: '10.21.0.0/16', enable_dns_hostnames: true });
  });
  it('has a public and a private subnet in every AZ, placed by the zone letter: private 1/8 of the CIDR, public 1/64 in the last eighth', () => {
    const subnets = resourcesOf(tf, 'aws_subnet');
    expect(subnets).toHaveLength(6);
    const byTier = (tier: string) => subnets.filter((s) => s.tags.Tier === tier).map((s) => [s.availability_zone, s.cidr_block]);
    expect(byTier('public')).toEqual([
      ['eu-central-1a', '10.21.224.0/22'],
      ['eu-central-1b', '10.21.228.0/22'],
      ['eu-central-1c', '10.21.232.0/22'],
    ]);
    expect(byTier('private')).toEqual([
      ['eu-central-1a', '10.21.0.0/19'],
      ['eu-central-1b', '10.21.32.0/19'],
      ['eu-central-1c', '10.21.64.0/19'],
    ]);
    expect(subnets.every((s) => s.map_public_ip_on_launch !== true)).toBe(true);
  });
  it('gives each AZ its own NAT gateway by default, one shared when asked', () => {
    expect(resourcesOf(tf, 'aws_nat_gateway')).toHaveLength(3);
    expect(resourcesOf(synthRegion('eu-central-1', { network: { natGatewayPerAz: false } }).tf, 'aws_nat_gateway')).toHaveLength(1);
  });
  it('keys every per-AZ resource by the zone letter, its tags keeping the zone name', () => {
    const ids = (type: string) =>
      Object.keys(tf.resource[type]).map((k) => k.replace(/^eu-central-1_Network_/, '').replace(/_[A-F0-9]+$/, ''));
    expect(ids('aws_subnet').sort()).toEqual(['PrivateA', 'PrivateB', 'PrivateC', 'PublicA', 'PublicB', 'PublicC']);
    expect(ids('aws_nat_gateway').sort()).toEqual(['NatA', 'NatB', 'NatC']);
    expect(ids('aws_eip').sort()).toEqual(['NatAAddress', 'NatBAddress', 'NatCAddress']);
    expect(ids('aws_route_table').sort()).toEqual(['PrivateARoutes', 'PrivateBRoutes', 'PrivateCRoutes', 'PublicRoutes']);
    expect(ids('aws_route_table_association').sort()).toEqual([
      'PrivateARoutesAssociation',
      'PrivateBRoutesAssociation',
      'PrivateCRoutesAssociation',
      'PublicARoutes',
      'PublicBRoutes',
      'PublicCRoutes',
    ]);
    expect(tf.resource.aws_subnet[Object.keys(tf.resource.aws_subnet).find((k) => k.includes('_PrivateB_'))!].tags.Name).toBe(
      'taishanglaojun-eu-central-1-private-eu-central-1b',
    );
    expect(resourcesOf(tf, 'aws_nat_gateway').map((n) => n.tags.Name)).toEqual([
      'taishanglaojun-eu-central-1-eu-central-1a',
      'taishanglaojun-eu-central-1-eu-central-1b',
      'taishanglaojun-eu-central-1-eu-central-1c',
    ]);
  });
  it('locks the default security group and logs all flows to the bucket', () => {
    const dsg = resourcesOf(tf, 'aws_default_security_group')[0];
    expect(dsg.ingress).toBeUndefined();
    expect(dsg.egress).toBeUndefined();
    const flow = resourcesOf(tf, 'aws_flow_log')[0];
    expect(flow).toMatchObject({ traffic_type: 'ALL', log_destination_type: 's3' });
    expect(flow.log_destination).toMatch(/\/flow-logs\/$/);
  });
});

describe('Region: network policy as security groups', () => {
  const { tf } = synthRegion('eu-central-1');
  const ingress = resourcesOf(tf, 'aws_vpc_security_group_ingress_rule');
  const egress = resourcesOf(tf, 'aws_vpc_security_group_egress_rule');
  const sgRef = (name: string) => new RegExp(`aws_security_group\\.[^.]*${name}[^.]*\\.id`, 'i');

  it('opens the gateway port 8080 only to the load-balancer tier', () => {
    const toGateway = ingress.filter((r) => r.from_port === 8080);
    expect(toGateway).toHaveLength(1);
    expect(toGateway[0].security_group_id).toMatch(sgRef('Gateway'));
    expect(toGateway[0].referenced_security_group_id).toMatch(sgRef('LoadBalancer'));
    expect(toGateway[0].cidr_ipv4).toBeUndefined();
  });
  it('lets the gateway out only to the database on 5432, to 443 and to DNS on 53 TCP and UDP', () => {
    const gatewayOut = egress.filter((r) => sgRef('Gateway').test(r.security_group_id));
    expect(gatewayOut.map((r) => `${r.ip_protocol}/${r.from_port}`).sort()).toEqual(['tcp/443', 'tcp/53', 'tcp/5432', 'udp/53']);
    expect(gatewayOut.find((r) => r.from_port === 5432).referenced_security_group_id).toMatch(sgRef('Database'));
  });
  it('opens the database only on 5432 from the gateway and lets nothing out of it', () => {
    const dbIn = ingress.filter((r) => sgRef('Database').test(r.security_group_id));
    expect(dbIn).toHaveLength(1);
    expect(dbIn[0]).toMatchObject({ from_port: 5432, to_port: 5432, ip_protocol: 'tcp' });
    expect(dbIn[0].referenced_security_group_id).toMatch(sgRef('Gateway'));
    expect(egress.filter((r) => sgRef('Database').test(r.security_group_id))).toHaveLength(0);
  });
  it('exposes only 443 to the public', () => {
    const publicIn = ingress.filter((r) => r.cidr_ipv4 === '0.0.0.0/0');
    expect(publicIn.map((r) => r.from_port)).toEqual([443]);
  });
});

describe('Region: Kubernetes cluster', () => {
  it('has a private EKS endpoint, secrets encrypted with the region key and all control-plane logs', () => {
    const { json, tf } = synthRegion('ap-south-1');
    expect(json).toHaveResourceWithProperties(EksCluster, { name: 'taishanglaojun-ap-south-1', version: '1.35' });
    const eks = resourcesOf(tf, 'aws_eks_cluster')[0];
    expect(eks.vpc_config).toMatchObject({ endpoint_private_access: true, endpoint_public_access: false });
    expect(eks.vpc_config.subnet_ids).toHaveLength(3);
    expect(eks.encryption_config.resources).toEqual(['secrets']);
    expect(eks.enabled_cluster_log_types).toHaveLength(5);
    const role = resourcesOf(tf, 'aws_iam_role').find((r) => r.name.endsWith('-cluster'));
    expect(JSON.parse(role.assume_role_policy).Statement[0].Principal.Service).toBe('eks.amazonaws.com');
    expect(resourcesOf(tf, 'aws_iam_role_policy_attachment')[0].policy_arn).toBe('arn:aws:iam::aws:policy/AmazonEKSClusterPolicy');
  });
  it('enforces NetworkPolicy objects: the managed VPC CNI add-on with network policy on (AWS ships it off; QA, stop 31)', () => {
    const { tf } = synthRegion('ap-south-1');
    const addons = resourcesOf(tf, 'aws_eks_addon');
    expect(addons).toHaveLength(1);
    expect(addons[0]).toMatchObject({ addon_name: 'vpc-cni', resolve_conflicts_on_create: 'OVERWRITE' });
    expect(addons[0].cluster_name).toMatch(/aws_eks_cluster\..*\.name/);
    expect(JSON.parse(addons[0].configuration_values)).toEqual({ enableNetworkPolicy: 'true' });
  });
  it('is left out of a region that serves no compute', () => {
    const spec = { ...specOf('ap-south-1'), services: ['storage'] as const };
    const app = Testing.app();
    const stack = new TerraformStack(app, 's');
    new Region(stack, 'r', { spec, projectName: 'taishanglaojun', accountId: '111122223333' });
    expect(resourcesOf(JSON.parse(Testing.synth(stack)), 'aws_eks_cluster')).toHaveLength(0);
  });
});

describe('Region: provider and tags', () => {
  it('creates an aliased provider for the region with region, continent, zone and compliance tags', () => {
    const { tf } = synthRegion('eu-central-1');
    const provider = tf.provider.aws[0];
    expect(provider).toMatchObject({ region: 'eu-central-1', alias: 'eu_central_1' });
    expect(provider.default_tags[0].tags).toEqual({
      Project: 'taishanglaojun',
      Region: 'eu-central-1',
      Continent: 'EMEA',
      ResidencyZone: 'emea',
      Compliance: 'GDPR+BDSG',
      ManagedBy: 'cdktf',
    });
    expect(provider.access_key).toBeUndefined();
    expect(resourcesOf(tf, 'aws_vpc')[0].provider).toBe('aws.eu_central_1');
  });
  it('puts fake credentials and every skip flag in the provider in offline mode', () => {
    const provider = synthRegion('eu-central-1', { offline: true }).tf.provider.aws[0];
    expect(provider).toMatchObject({
      skip_credentials_validation: true,
      skip_requesting_account_id: true,
      skip_metadata_api_check: 'true',
      skip_region_validation: true,
    });
    expect(provider.access_key).toBeDefined();
  });
  it('uses no data source, so plans need no AWS API', () => {
    expect(synthRegion('us-east-1').tf.data).toBeUndefined();
  });
});

describe('Region: bad props name the construct path, the value and what is allowed', () => {
  const build =
    (patch: object, extra: object = {}) =>
    () => {
      const stack = new TerraformStack(Testing.app(), 'bad');
      new Region(stack, 'r', {
        spec: { ...specOf('eu-west-2'), ...patch },
        projectName: 'taishanglaojun',
        accountId: '111122223333',
        ...extra,
      });
    };
  it('rejects a malformed CIDR', () =>
    expect(build({ cidr: '10.0.0.0/33' })).toThrow(
      /bad\/r: spec is not valid \(1 problem\):\n {2}- spec.cidr: "10.0.0.0\/33" has a prefix length above 32/,
    ));
  it('rejects a CIDR of the wrong size', () =>
    expect(build({ cidr: '10.0.0.0/24' })).toThrow(/spec.cidr: "10.0.0.0\/24" must have a prefix length from \/16 to \/20/));
  it('rejects a single AZ', () =>
    expect(build({ availabilityZones: ['eu-west-2a'] })).toThrow(
      /spec.availabilityZones: \["eu-west-2a"\] needs at least 2 availability zones/,
    ));
  it('rejects a bad project name', () =>
    expect(build({}, { projectName: 'Tai Shang' })).toThrow(/bad\/r: projectName "Tai Shang" is not allowed/));
  it('rejects a bad Kubernetes version', () =>
    expect(build({}, { cluster: { kubernetesVersion: 'latest' } })).toThrow(/kubernetesVersion "latest" is not allowed/));
  it.each(['1.10', '1.99', '1.31', '1.3', '2.32'])(
    'rejects Kubernetes %s, a minor EKS does not run (before: any "1.NN" passed; found by QA)',
    (version) =>
      expect(build({}, { cluster: { kubernetesVersion: version } })).toThrow(
        `bad/r/Cluster: kubernetesVersion "${version}" is not allowed; allowed: "1.32" to "1.39": a Kubernetes minor EKS supports`,
      ),
  );
  it.each(['1.32', '1.35', '1.39'])('takes Kubernetes %s', (version) =>
    expect(build({}, { cluster: { kubernetesVersion: version } })).not.toThrow(),
  );
});

describe('Region: parts expose attributes through interfaces', () => {
  const stack = new TerraformStack(Testing.app(), 'attrs');
  const region = new Region(stack, 'eu-central-1', {
    spec: specOf('eu-central-1'),
    projectName: 'taishanglaojun',
    accountId: '111122223333',
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const resolve = (value: unknown): any => resolveTokens(stack, value);
  it('names the key, bucket and network by Terraform references', () => {
    const key: IRegionKey = region.key;
    const bucket: IRegionBucket = region.bucket;
    const network: IRegionNetwork = region.network;
    expect(resolve(key.keyArn)).toMatch(/^\$\{aws_kms_key\..*\.arn\}$/);
    expect(resolve(key.aliasName)).toMatch(/^\$\{aws_kms_alias\..*\.name\}$/);
    expect(resolve(bucket.bucketName)).toMatch(/^\$\{aws_s3_bucket\..*\.bucket\}$/);
    expect(resolve(bucket.bucketArn)).toMatch(/^\$\{aws_s3_bucket\..*\.arn\}$/);
    expect(resolve(network.vpcId)).toMatch(/^\$\{aws_vpc\..*\.id\}$/);
    expect(network.cidr).toBe('10.21.0.0/16');
    expect(network.availabilityZones).toEqual(['eu-central-1a', 'eu-central-1b', 'eu-central-1c']);
    expect(resolve(network.privateSubnetIds)).toHaveLength(3);
    expect(resolve(network.publicSubnetIds)).toHaveLength(3);
    expect(resolve(network.privateRouteTableIds).every((id: string) => /aws_route_table\..*Private.*\.id/.test(id))).toBe(true);
  });
  it('names the tier security groups and the cluster', () => {
    const groups: IRegionSecurityGroups = region.securityGroups;
    expect(resolve(groups.loadBalancerSecurityGroupId)).toMatch(/aws_security_group\..*LoadBalancer.*\.id/);
    expect(resolve(groups.gatewaySecurityGroupId)).toMatch(/aws_security_group\..*Gateway.*\.id/);
    expect(resolve(groups.databaseSecurityGroupId)).toMatch(/aws_security_group\..*Database.*\.id/);
    const cluster: IRegionCluster = region.cluster!;
    expect(resolve(cluster.clusterName)).toMatch(/aws_eks_cluster\..*\.name/);
    expect(resolve(cluster.clusterEndpoint)).toMatch(/aws_eks_cluster\..*\.endpoint/);
    expect(resolve(cluster.oidcIssuerUrl)).toMatch(/aws_eks_cluster\..*\.identity\[0\]\.oidc\[0\]\.issuer/);
    expect(cluster.kubernetesVersion).toBe('1.35');
  });
  it('has no cluster where the region does not serve compute', () => {
    const other = new TerraformStack(Testing.app(), 'storage-only');
    const r = new Region(other, 'x', {
      spec: { ...specOf('eu-west-2'), services: ['storage'] },
      projectName: 'taishanglaojun',
      accountId: '111122223333',
    });
    expect(r.cluster).toBeUndefined();
  });
});

describe('Region: token-aware validation', () => {
  it('accepts tokens where a Terraform variable may feed a prop', () => {
    const stack = new TerraformStack(Testing.app(), 'tokens');
    const version = new TerraformVariable(stack, 'k8s_version', { type: 'string' }).stringValue;
    const project = new TerraformVariable(stack, 'project', { type: 'string' }).stringValue;
    expect(
      () =>
        new Region(stack, 'r', {
          spec: specOf('eu-west-2'),
          projectName: project,
          accountId: '111122223333',
          cluster: { kubernetesVersion: version },
        }),
    ).not.toThrow();
  });
  it('refuses a token CIDR by name (subnets are computed from it at synth)', () => {
    const stack = new TerraformStack(Testing.app(), 'tokens');
    const cidr = new TerraformVariable(stack, 'cidr', { type: 'string' }).stringValue;
    expect(() => new Region(stack, 'r', { spec: { ...specOf('eu-west-2'), cidr }, projectName: 'p-x', accountId: '111122223333' })).toThrow(
      /tokens\/r\/Network: cidr is a token; allowed: a literal IPv4 CIDR/,
    );
  });
  it('refuses a CIDR that is not canonical', () => {
    const stack = new TerraformStack(Testing.app(), 'canon');
    expect(
      () =>
        new Region(stack, 'r', { spec: { ...specOf('eu-west-2'), cidr: '010.010.0.0/16' }, projectName: 'p-x', accountId: '111122223333' }),
    ).toThrow(
      /canon\/r: spec is not valid \(1 problem\):\n {2}- spec.cidr: "010.010.0.0\/16" is not canonical; write it as "10.10.0.0\/16"/,
    );
  });
  it('checks once the tree is built that a provider handed in serves the region', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'provider');
    const provider = new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    new Region(stack, 'r', { spec: specOf('eu-west-2'), projectName: 'p-x', accountId: '111122223333', provider });
    const validate = (scope: TerraformStack) => scope.node.findAll().flatMap((c) => c.node.validate());
    const errors = validate(stack);
    expect(errors.join('\n')).toMatch(/provider region "us-east-1" is not the region's id "eu-west-2"/);
    const ok = new TerraformStack(Testing.app(), 'provider-ok');
    new Region(ok, 'r', {
      spec: specOf('eu-west-2'),
      projectName: 'p-x',
      accountId: '111122223333',
      provider: new AwsProvider(ok, 'aws', { region: 'eu-west-2' }),
    });
    expect(validate(ok)).toEqual([]);
  });
  it('refuses a provider handed in that sets no region (it would deploy where AWS_REGION points; found by QA), keeps a token region', () => {
    const validate = (scope: TerraformStack) => scope.node.findAll().flatMap((c) => c.node.validate());
    const stack = new TerraformStack(Testing.app(), 'noregion');
    new Region(stack, 'r', {
      spec: specOf('eu-west-2'),
      projectName: 'p-x',
      accountId: '111122223333',
      provider: new AwsProvider(stack, 'aws', {}),
    });
    expect(validate(stack)).toEqual([
      `provider noregion/aws sets no region (it would take AWS_REGION or the profile's at apply); allowed: a provider for eu-west-2 (region: "eu-west-2", or a token)`,
    ]);
    expect(() => Testing.synth(stack, true)).toThrow(/provider noregion\/aws sets no region/);
    const tokens = new TerraformStack(Testing.app(), 'tokenregion');
    const region = new TerraformVariable(tokens, 'region', { type: 'string' }).stringValue;
    new Region(tokens, 'r', {
      spec: specOf('eu-west-2'),
      projectName: 'p-x',
      accountId: '111122223333',
      provider: new AwsProvider(tokens, 'aws', { region }),
    });
    expect(validate(tokens)).toEqual([]);
  });
});

describe('Region: props checked by name', () => {
  const make = (extra: Record<string, unknown>, spec = specOf('eu-west-2')) => {
    const stack = new TerraformStack(Testing.app(), 'props');
    return () => new Region(stack, 'r', { spec, projectName: 'p-x', accountId: '111122223333', ...extra });
  };
  it('refuses a region id that is not one, and a token region id', () => {
    expect(make({}, { ...specOf('eu-west-2'), id: 'EU-WEST' })).toThrow(
      /props\/r: spec.id "EU-WEST" is not allowed; allowed: a cloud region id such as "eu-west-1"/,
    );
    const stack = new TerraformStack(Testing.app(), 'tok');
    const id = new TerraformVariable(stack, 'region', { type: 'string' }).stringValue;
    expect(() => new Region(stack, 'r', { spec: { ...specOf('eu-west-2'), id }, projectName: 'p-x', accountId: '111122223333' })).toThrow(
      /tok\/r: spec.id is a token; allowed: a cloud region id/,
    );
  });
  it('refuses a missing project name or spec by name (before: "undefined-eu-west-2-audit", or a TypeError)', () => {
    expect(make({ projectName: undefined })).toThrow(/props\/r: projectName undefined is not allowed; allowed: 2-21 lower-case letters/);
    expect(make({ spec: undefined })).toThrow(/props\/r: spec undefined is not allowed; allowed: a region of the validated config/);
    expect(make({ spec: { id: 'eu-west-1' } })).toThrow(
      /props\/r: spec.cidr undefined is not allowed; allowed: a region of the validated config/,
    );
  });
  it('refuses an account id that is not twelve digits, and accepts a token one', () => {
    expect(make({ accountId: 'abc' })).toThrow(/props\/r: accountId "abc" is not allowed; allowed: a 12-digit AWS account id/);
    const stack = new TerraformStack(Testing.app(), 'acct');
    const account = new TerraformVariable(stack, 'account', { type: 'string' }).stringValue;
    expect(() => new Region(stack, 'r', { spec: specOf('eu-west-2'), projectName: 'p-x', accountId: account })).not.toThrow();
  });
  // Found by QA: the config capped its source ranges, the construct did not (AWS: 60 inbound rules per group).
  it('refuses more public ingress CIDRs than one security group holds', () => {
    const cidrs = Array.from({ length: 61 }, (_, i) => `203.0.${i}.0/24`);
    expect(make({ network: { publicIngressCidrs: cidrs } })).toThrow(
      /props\/r: network.publicIngressCidrs \[.*\(61 items\) is not allowed; allowed: at most 60 CIDRs \(one inbound rule each/,
    );
    expect(make({ network: { publicIngressCidrs: cidrs.slice(0, 60) } })).not.toThrow();
  });
  it("takes the Kubernetes version from the spec's cluster (a validated config's regions[].cluster), the props' over it", () => {
    const versionOf = (props: object) => {
      const stack = new TerraformStack(Testing.app(), 'v');
      const spec = { ...specOf('eu-west-1'), cluster: { kubernetesVersion: '1.33' } };
      const r = new Region(stack, 'r', { spec, projectName: 'p-x', accountId: '111122223333', ...props });
      return r.cluster!.kubernetesVersion;
    };
    expect(versionOf({})).toBe('1.33');
    expect(versionOf({ cluster: { kubernetesVersion: '1.34' } })).toBe('1.34');
  });
  it('names list props given as something else (before: a TypeError from inside, or a string read as a list)', () => {
    expect(make({ network: { publicIngressCidrs: '10.0.0.0/8' } })).toThrow(
      'props/r: network.publicIngressCidrs "10.0.0.0/8" is not allowed; allowed: a list of IPv4 CIDRs',
    );
    expect(make({ network: { publicIngressCidrs: '10.0.0.0/8' } })).not.toThrow(TypeError);
    // "compute" as a string passed `services.includes('compute')`.
    expect(make({}, { ...specOf('eu-west-2'), services: 'compute' as never })).toThrow(
      'props/r: spec.services "compute" is not allowed; allowed: a non-empty list of "compute", "storage", "cdn"',
    );
    expect(make({}, { ...specOf('eu-west-2'), services: ['compute', 'gpu'] as never })).toThrow(
      /props\/r: spec.services \["compute","gpu"\]/,
    );
    expect(make({}, { ...specOf('eu-west-2'), availabilityZones: 'eu-west-2a' as never })).toThrow(
      'props/r: spec.availabilityZones "eu-west-2a" is not allowed; allowed: a list of availability zone names',
    );
  });
  it('checks each public ingress CIDR, and names a token list', () => {
    expect(make({ network: { publicIngressCidrs: ['nope'] } })).toThrow(
      /props\/r: network.publicIngressCidrs\[0\] "nope" is not allowed; allowed: an IPv4 CIDR in canonical form/,
    );
    expect(make({ network: { publicIngressCidrs: ['203.0.113.0/24', '203.0.113.0/24'] } })).toThrow(/each CIDR once/);
    expect(make({ network: { publicIngressCidrs: [] } })).toThrow(/network.publicIngressCidrs \[\] is not allowed; allowed: at least one/);
    const stack = new TerraformStack(Testing.app(), 'list');
    const cidrs = new TerraformVariable(stack, 'cidrs', { type: 'list(string)' }).listValue;
    expect(
      () =>
        new Region(stack, 'r', {
          spec: specOf('eu-west-2'),
          projectName: 'p-x',
          accountId: '111122223333',
          network: { publicIngressCidrs: cidrs },
        }),
    ).toThrow(/list\/r: network.publicIngressCidrs is a token; allowed: a literal list of IPv4 CIDRs \(each may be a token\)/);
    const one = new TerraformVariable(stack, 'office', { type: 'string' }).stringValue;
    expect(
      () =>
        new Region(stack, 'ok', {
          spec: specOf('eu-west-2'),
          projectName: 'p-x',
          accountId: '111122223333',
          network: { publicIngressCidrs: [one] },
        }),
    ).not.toThrow();
  });
  it("refuses another region's availability zones by index (before: eu-west-2 with eu-west-1a passed synth; found by QA)", () => {
    expect(make({}, { ...specOf('eu-west-2'), availabilityZones: ['eu-west-2a', 'eu-west-1a'] })).toThrow(
      'props/r: spec.availabilityZones[1] "eu-west-1a" is not allowed; allowed: a zone of region eu-west-2, such as "eu-west-2a" (eu-west-1a is in eu-west-1)',
    );
    expect(make({}, { ...specOf('eu-west-2'), availabilityZones: ['eu-west-1a', 'eu-west-1b'] })).toThrow(
      /spec.availabilityZones\[0\] "eu-west-1a" is not allowed; allowed: a zone of region eu-west-2/,
    );
    expect(make({}, { ...specOf('eu-west-2'), availabilityZones: ['eu-west-2a', 'eu-west-2c'] })).not.toThrow();
  });
  it('refuses duplicate and malformed availability zones by index', () => {
    expect(make({}, { ...specOf('eu-west-2'), availabilityZones: ['eu-west-2a', 'eu-west-2a'] })).toThrow(
      /props\/r: spec is not valid \(1 problem\):\n {2}- spec.availabilityZones\[1\]: "eu-west-2a" is listed twice/,
    );
    expect(make({}, { ...specOf('eu-west-2'), availabilityZones: ['eu-west-2a', ''] })).toThrow(
      /spec.availabilityZones\[1\]: "" is not an availability zone of eu-west-2; allowed: "eu-west-2a", "eu-west-2b", "eu-west-2c"/,
    );
    // Subnets are keyed and laid out by the zone's letter: a zone id has none (before: accepted).
    expect(make({}, { ...specOf('eu-west-2'), availabilityZones: ['euw2-az1', 'euw2-az2'] })).toThrow(
      /spec.availabilityZones\[0\]: "euw2-az1" is not an availability zone of eu-west-2; allowed: "eu-west-2a"/,
    );
  });
  it('refuses a second Region for the same region id in one stack once the tree is built', () => {
    const stack = new TerraformStack(Testing.app(), 'twins');
    new Region(stack, 'a', { spec: specOf('eu-west-2'), projectName: 'p-x', accountId: '111122223333' });
    new Region(stack, 'b', { spec: specOf('eu-west-2'), projectName: 'p-x', accountId: '111122223333' });
    const errors = stack.node.findAll().flatMap((c) => c.node.validate());
    expect(errors.join('\n')).toMatch(
      /region "eu-west-2" is declared again in this stack at twins\/b; allowed: one Region per region id and stack/,
    );
    const single = new TerraformStack(Testing.app(), 'single');
    new Region(single, 'a', { spec: specOf('eu-west-2'), projectName: 'p-x', accountId: '111122223333' });
    new Region(single, 'b', { spec: specOf('eu-west-1'), projectName: 'p-x', accountId: '111122223333' });
    expect(single.node.findAll().flatMap((c) => c.node.validate())).toEqual([]);
  });
});

describe('RegionCluster: props checked by name', () => {
  it('refuses a cluster name EKS does not take, and accepts a token one', () => {
    const stack = new TerraformStack(Testing.app(), 'eks');
    const provider = new AwsProvider(stack, 'aws', { region: 'eu-west-2' });
    const props = { provider, subnetIds: ['subnet-1', 'subnet-2'], kmsKeyArn: 'arn:aws:kms:eu-west-2:111122223333:key/x' };
    expect(() => new RegionCluster(stack, 'bad', { ...props, clusterName: 'Bad Name!!' })).toThrow(
      /eks\/bad: clusterName "Bad Name!!" is not allowed; allowed: 1-100 letters, digits, "-" and "_"/,
    );
    const name = new TerraformVariable(stack, 'name', { type: 'string' }).stringValue;
    expect(() => new RegionCluster(stack, 'tok', { ...props, clusterName: name })).not.toThrow();
    expect(() => new RegionCluster(stack, 'ok', { ...props, clusterName: 'p-x-eu-west-2' })).not.toThrow();
  });
});

describe('Region: the routing table it publishes', () => {
  const make = (routingTableJson: unknown) => () =>
    new Region(new TerraformStack(Testing.app(), 'table'), 'r', {
      spec: specOf('eu-west-2'),
      projectName: 'p-x',
      accountId: '111122223333',
      routingTableJson: routingTableJson as string,
    });
  it('publishes a valid table as given', () => {
    const { tf } = synthRegion('eu-west-2', { routingTableJson: validRoutingTableJson });
    expect(resourcesOf(tf, 'aws_s3_object').map((o) => o.content)).toEqual([validRoutingTableJson]);
  });
  it('refuses text the gateway would refuse, naming routingTableJson and each problem (before: published as given; found by QA)', () => {
    expect(make('{"schemaVersion": 1,')).toThrow(
      /^table\/r: routingTableJson is not allowed; allowed: the routing table as JSON that the gateway loads.*\n.*\(root\): "\{\\"schemaVersion\\": 1," is not valid JSON/s,
    );
    expect(make('{}')).toThrow(/table\/r: routingTableJson is not allowed.*schemaVersion: is missing/s);
    // A repeated key, which JSON.parse would resolve silently (last wins).
    const table = JSON.parse(validRoutingTableJson) as { countries: Record<string, string> };
    const [first] = Object.keys(table.countries);
    const repeated = validRoutingTableJson.replace(`"${first}": `, `"${first}": "eu-west-2", "${first}": `);
    expect(make(repeated)).toThrow(new RegExp(`countries.${first}: appears 2 times in the same object`));
    expect(make('  ')).toThrow('table/r: routingTableJson is empty; allowed: the routing table as JSON');
    expect(make(42)).toThrow(/table\/r: routingTableJson 42 is not allowed; allowed: the routing table as JSON/);
  });
  it('takes a token text as it is (known at apply only)', () => {
    const stack = new TerraformStack(Testing.app(), 'tok');
    const text = new TerraformVariable(stack, 'table', { type: 'string' }).stringValue;
    expect(
      () => new Region(stack, 'r', { spec: specOf('eu-west-2'), projectName: 'p-x', accountId: '111122223333', routingTableJson: text }),
    ).not.toThrow();
  });
});

describe('Region: an edited spec is checked again by the config rules (found by QA)', () => {
  const build = (patch: Record<string, unknown>, id = 'eu-west-1') => {
    const stack = new TerraformStack(Testing.app(), 'spec');
    return () => new Region(stack, 'r', { spec: { ...specOf(id), ...patch } as never, projectName: 'p-x', accountId: '111122223333' });
  };
  const problemsOf = (patch: Record<string, unknown>, id?: string): string[] => {
    try {
      build(patch, id)();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigValidationError);
      expect((e as Error).message).toMatch(/^spec\/r: spec is not valid \(\d+ problems?\):/);
      return (e as ConfigValidationError).problems.map(formatProblem);
    }
    throw new Error('not refused');
  };
  it.each<[string, Record<string, unknown>, string]>([
    [
      'a Terraform expression in a regime (before: written into the default tags)',
      { compliance: ['${file("/etc/passwd")}'] },
      'spec.compliance[0]: "${file(\\"/etc/passwd\\")}" holds a Terraform template sequence',
    ],
    [
      'an unknown regime',
      { compliance: ['LGPD'] },
      'spec.compliance[0]: "LGPD" is not allowed; allowed: "PDPO", "PDPA", "APPI", "DPDP", "GDPR"',
    ],
    ['regimes as a string (before: "join is not a function")', { compliance: 'GDPR' }, 'spec.compliance: "GDPR" must be a list'],
    ['no regimes (before: a TypeError)', { compliance: undefined }, 'spec.compliance: is missing; it must be a list'],
    ['a reserved zone name', { residencyZone: 'unknown' }, 'spec.residencyZone: "unknown" must be a residency zone id such as "emea"'],
    ['an unknown continent', { continent: 'MARS' }, 'spec.continent: "MARS" is not allowed; allowed: "APAC", "EMEA", "NA"'],
    ['no continent (before: its tag was dropped)', { continent: undefined }, 'spec.continent: is missing; allowed: "APAC", "EMEA", "NA"'],
    [
      'a public CIDR',
      { cidr: '8.8.0.0/16' },
      'spec.cidr: "8.8.0.0/16" is a public range: the VPC would make those internet addresses unreachable from it; allowed: a range inside 10.0.0.0/8',
    ],
    ['no regime where the GDPR applies', { compliance: [] }, 'spec.compliance: [] is empty, but "GDPR" applies in eu-west-1'],
    ['a regime that does not apply there', { compliance: ['GDPR', 'CCPA'] }, 'spec.compliance[1]: "CCPA" does not apply in eu-west-1'],
  ])('refuses %s', (_, patch, expected) => {
    expect(problemsOf(patch).join('\n')).toContain(expected);
  });
  it.each([
    ['cn-north-1', 'the "aws-cn" partition', 'APAC', []],
    ['us-gov-west-1', 'the "aws-us-gov" partition', 'NA', ['CCPA']],
  ])('refuses %s, a region of another partition (before: arn:aws: ARNs written for it)', (id, partition, continent, compliance) => {
    const patch = { id, continent, compliance, availabilityZones: [`${id}a`, `${id}b`] };
    expect(problemsOf(patch)).toEqual([expect.stringContaining(`spec.id: "${id}" is in ${partition}`)]);
  });
  it("refuses a region the AWS table does not know, unless the spec carries the config's override and its reason", () => {
    const patch = { id: 'eu-west-9', availabilityZones: ['eu-west-9a', 'eu-west-9b'] };
    expect(problemsOf(patch)).toEqual([expect.stringContaining('spec.id: "eu-west-9" is not an AWS region in the region table')]);
    expect(build({ ...patch, overrides: { unknownRegion: 'opened after the table was written, checked 2026-11' } })).not.toThrow();
  });
  it('accepts a spec as the config validated it, and the same spec edited within the rules', () => {
    expect(build({})).not.toThrow();
    expect(build({ cidr: '10.99.0.0/20', availabilityZones: ['eu-west-1a', 'eu-west-1c'] })).not.toThrow();
    expect(build({ cidr: '100.64.0.0/16', compliance: ['GDPR'] })).not.toThrow();
  });
  it('is token-aware: a token tag value is kept, a token zone or regime list (compared or joined at synth) is refused by name', () => {
    const stack = new TerraformStack(Testing.app(), 'tok');
    const text = new TerraformVariable(stack, 'text', { type: 'string' }).stringValue;
    const list = new TerraformVariable(stack, 'list', { type: 'list(string)' }).listValue;
    const make = (patch: object, id: string) => () =>
      new Region(stack, id, { spec: { ...specOf('eu-west-1'), ...patch } as never, projectName: 'p-x', accountId: '111122223333' });
    expect(make({ continent: text, compliance: ['GDPR', text] }, 'a')).not.toThrow();
    expect(make({ compliance: [text, 'LGPD'] }, 'b')).toThrow(/spec.compliance\[1\]: "LGPD" is not allowed/);
    expect(make({ residencyZone: text }, 'c')).toThrow(/tok\/c: spec.residencyZone is a token; allowed: a residency zone id/);
    expect(make({ compliance: list }, 'd')).toThrow(/tok\/d: spec.compliance is a token; allowed: a literal list of regimes/);
  });
});
