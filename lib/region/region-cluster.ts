import { EksAddon } from '@cdktf/provider-aws/lib/eks-addon';
import { EksCluster } from '@cdktf/provider-aws/lib/eks-cluster';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import type { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Construct } from 'constructs';
import { checkText, EKS_CLUSTER_NAME, checkRequiredProps, checkBoolean, checkList } from '../private/prop-checks';
import { KUBERNETES_VERSION } from '../limits';
import { policyDocument } from '../private/policy';
import type { IRegionCluster } from './interfaces';

export interface RegionClusterProps {
  /** Provider of the region. */
  readonly provider: AwsProvider;
  /** Cluster name, also the prefix of its IAM role. */
  readonly clusterName: string;
  /** Private subnets the control plane's network interfaces go into. */
  readonly subnetIds: string[];
  /** Extra security groups for the control plane's interfaces. @default none (EKS adds its own cluster security group) */
  readonly securityGroupIds?: string[];
  /** ARN of the region's KMS key; Kubernetes secrets are envelope-encrypted with it. */
  readonly kmsKeyArn: string;
  /** Kubernetes version: "1.32" to "1.39" (the minors EKS supports; see KUBERNETES_VERSION). @default "1.35" */
  readonly kubernetesVersion?: string;
  /** Expose the API server endpoint publicly. @default false (private endpoint only) */
  readonly publicEndpoint?: boolean;
}

/**
 * The region's Kubernetes control plane (EKS) with the IAM role it needs: private endpoint,
 * secrets encrypted with the region key, every control-plane log type on, API access entries.
 * Node groups come with ReservedCapacity (the capacity issue).
 */
export class RegionCluster extends Construct implements IRegionCluster {
  /** Cluster name. */
  readonly clusterName: string;
  /** Cluster ARN. */
  readonly clusterArn: string;
  /** The managed VPC CNI add-on, with network-policy enforcement on (NetworkPolicy objects are ignored without it). */
  readonly networkAddon: EksAddon;
  /** API server endpoint URL. */
  readonly clusterEndpoint: string;
  /** Base64 PEM of the cluster's certificate authority. */
  readonly clusterCertificateAuthorityData: string;
  /** OIDC issuer URL (IAM roles for service accounts). */
  readonly oidcIssuerUrl: string;
  /** Security group EKS creates for the control plane and nodes. */
  readonly clusterSecurityGroupId: string;
  /** Kubernetes version. */
  readonly kubernetesVersion: string;
  /** The underlying resources (escape hatches). */
  readonly eksCluster: EksCluster;
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: RegionClusterProps) {
    super(scope, id);
    checkRequiredProps<RegionClusterProps>(this.node.path, props, {
      provider: 'the AwsProvider to create the resources with',
      clusterName: '1-100 letters, digits, "-" and "_", starting with a letter or digit',
      subnetIds: "the private subnet ids of the region's network",
      kmsKeyArn: 'an ARN (or a token)',
    });
    checkBoolean(this, 'publicEndpoint', props.publicEndpoint);
    checkList(this, 'subnetIds', props.subnetIds, 'a list');
    checkList(this, 'securityGroupIds', props.securityGroupIds, 'a list');
    const { provider } = props;
    const version = props.kubernetesVersion ?? KUBERNETES_VERSION.default;
    checkText(this, 'clusterName', props.clusterName, EKS_CLUSTER_NAME);
    checkText(this, 'kubernetesVersion', version, KUBERNETES_VERSION);
    this.role = new IamRole(this, 'Role', {
      provider,
      name: `${props.clusterName}-cluster`,
      assumeRolePolicy: policyDocument([
        { Sid: 'EksAssumes', Effect: 'Allow', Principal: { Service: 'eks.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ]),
      inlinePolicy: [
        {
          name: 'secrets-encryption',
          policy: policyDocument([
            {
              Sid: 'UseRegionKey',
              Effect: 'Allow',
              Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:DescribeKey', 'kms:CreateGrant'],
              Resource: props.kmsKeyArn,
            },
          ]),
        },
      ],
    });
    const attachment = new IamRolePolicyAttachment(this, 'ClusterPolicy', {
      provider,
      role: this.role.name,
      policyArn: 'arn:aws:iam::aws:policy/AmazonEKSClusterPolicy',
    });
    this.eksCluster = new EksCluster(this, 'Cluster', {
      provider,
      name: props.clusterName,
      version,
      roleArn: this.role.arn,
      vpcConfig: {
        subnetIds: props.subnetIds,
        securityGroupIds: props.securityGroupIds ?? [],
        endpointPrivateAccess: true,
        endpointPublicAccess: props.publicEndpoint ?? false,
      },
      encryptionConfig: { resources: ['secrets'], provider: { keyArn: props.kmsKeyArn } },
      enabledClusterLogTypes: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'],
      accessConfig: { authenticationMode: 'API' },
      dependsOn: [attachment],
    });
    // The VPC CNI enforces NetworkPolicy objects only when told to (AWS ships it off): without this
    // every policy of the workload stack (default deny, the admin port from monitoring only, the
    // database rules) would be stored and ignored. Managed add-on, adopting the one EKS installs.
    this.networkAddon = new EksAddon(this, 'VpcCni', {
      provider,
      clusterName: this.eksCluster.name,
      addonName: 'vpc-cni',
      configurationValues: JSON.stringify({ enableNetworkPolicy: 'true' }),
      resolveConflictsOnCreate: 'OVERWRITE',
      resolveConflictsOnUpdate: 'OVERWRITE',
    });
    this.clusterName = this.eksCluster.name;
    this.clusterArn = this.eksCluster.arn;
    this.clusterEndpoint = this.eksCluster.endpoint;
    this.clusterCertificateAuthorityData = this.eksCluster.certificateAuthority.get(0).data;
    this.oidcIssuerUrl = this.eksCluster.identity.get(0).oidc.get(0).issuer;
    this.clusterSecurityGroupId = this.eksCluster.vpcConfig.clusterSecurityGroupId;
    this.kubernetesVersion = version;
  }
}
