import { EcrLifecyclePolicy } from '@cdktf/provider-aws/lib/ecr-lifecycle-policy';
import { EcrReplicationConfiguration } from '@cdktf/provider-aws/lib/ecr-replication-configuration';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import type { IRegion } from './private/region-api';
import { assertSameZone } from './private/residency';
import { claimAppUnique } from '../private/app-unique';
import {
  ACCOUNT_ID,
  checkRegionLike,
  checkRegionList,
  checkRequiredProps,
  checkText,
  propError,
  requireLiteral,
} from '../private/prop-checks';
import { PROJECT_NAME } from '../limits';
import { formatValue } from '../../runtime/problem';

export interface ContainerRegistryProps {
  /** The compute region the repositories live in. */
  readonly region: IRegion;
  /** Project name: repositories are `<project>/<image>`. */
  readonly projectName: string;
  /** AWS account (registry id) of the replication destinations (may be a token). */
  readonly accountId: string;
  /** Images of the platform, one repository each. @default ["gateway"] */
  readonly images?: readonly string[];
  /** Compute regions this registry replicates pushed images to (each has its own ContainerRegistry). @default none */
  readonly replicateTo?: readonly IRegion[];
  /** Tagged images kept per repository; older ones expire. @default 50 */
  readonly keepTaggedImages?: number;
  /** Days an untagged image is kept. @default 7 */
  readonly untaggedExpiryDays?: number;
}

/** The largest `countNumber` a lifecycle rule takes (a 32-bit integer in ECR's API). */
export const MAX_LIFECYCLE_COUNT = 2_147_483_647;

/** The lifecycle policy of every repository (expire untagged images, keep the newest tagged ones). */
export function registryLifecyclePolicy(keepTagged: number, untaggedDays: number): string {
  return JSON.stringify({
    rules: [
      {
        rulePriority: 1,
        description: `Expire untagged images after ${untaggedDays} days`,
        selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: untaggedDays },
        action: { type: 'expire' },
      },
      {
        rulePriority: 2,
        description: `Keep the newest ${keepTagged} images`,
        selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: keepTagged },
        action: { type: 'expire' },
      },
    ],
  });
}

/**
 * The platform's container registry in one compute region (设计: container_registry): an ECR
 * repository per image with immutable tags, scan on push, encryption with the region key and a
 * lifecycle policy; optionally the region's replication to other compute regions — of the same
 * residency zone only (a destination in another zone is a synth error).
 */
export class ContainerRegistry extends Construct {
  /** Repositories per image name. */
  readonly repositories: Record<string, EcrRepository> = {};
  readonly replication?: EcrReplicationConfiguration;

  constructor(scope: Construct, id: string, props: ContainerRegistryProps) {
    super(scope, id);
    checkRequiredProps<ContainerRegistryProps>(this.node.path, props, {
      region: "a Region of the config (an IRegion: new Region(...) or one of a continent stack's regions)",
      projectName: PROJECT_NAME.allowed,
      accountId: 'a 12-digit AWS account id, or a token',
    });
    const path = this.node.path;
    const { region } = props;
    checkRegionLike(this, 'region', region);
    checkText(this, 'projectName', props.projectName, PROJECT_NAME);
    checkText(this, 'accountId', props.accountId, ACCOUNT_ID);
    if (!region.spec.services.includes('compute'))
      throw new Error(
        `${path}: region "${region.regionId}" is not allowed; allowed: a region that runs "compute" (it runs ${region.spec.services.join(', ')})`,
      );
    // The registry is the region's: its account id is the replication destinations' registry id
    // and names the repositories' account in collision checks.
    if (
      region.accountId !== undefined &&
      !Token.isUnresolved(region.accountId) &&
      !Token.isUnresolved(props.accountId) &&
      region.accountId !== props.accountId
    )
      throw new Error(
        `${path}: accountId ${formatValue(props.accountId)} is not allowed; allowed: the account of region ${region.regionId} ("${region.accountId}")`,
      );
    const images = props.images ?? ['gateway'];
    requireLiteral(this, 'images', images, 'a list of image names such as ["gateway"]', 'each image names a repository resource');
    if (!Array.isArray(images)) propError(this, 'images', images, 'a list of image names such as ["gateway"]');
    images.forEach((image, i) => {
      if (typeof image !== 'string' || !/^[a-z0-9]+([._-][a-z0-9]+)*$/.test(image))
        propError(this, `images[${i}]`, image, 'lower-case letters, digits and single ".", "_" or "-"');
    });
    images.forEach((image, i) => {
      // ECR: a repository name of at most 256 characters (`<project>/<image>`).
      const name = `${props.projectName}/${image}`;
      if (!Token.isUnresolved(props.projectName) && name.length > 256)
        propError(
          this,
          `images[${i}]`,
          image,
          `a name that keeps the repository name "<project>/<image>" within 256 characters (ECR); this one gives ${name.length}`,
        );
      if (images.indexOf(image) !== i)
        throw new Error(`${path}: images[${i}] "${image}" is given twice; allowed: each image name once (one repository each)`);
    });
    const keep = props.keepTaggedImages ?? 50;
    const untagged = props.untaggedExpiryDays ?? 7;
    // Whole numbers ECR reads as integers (1e21 was written as "countNumber":1e+21); a token (a
    // variable) is passed through: Terraform writes its value into the policy text.
    const COUNT = `an integer from 1 to ${MAX_LIFECYCLE_COUNT.toLocaleString('en-US')}, or a number token`;
    const count = (field: string, v: number) => {
      if (typeof v === 'number' && Token.isUnresolved(v)) return;
      if (!Number.isInteger(v) || v < 1 || v > MAX_LIFECYCLE_COUNT) propError(this, field, v, COUNT);
    };
    count('keepTaggedImages', keep);
    count('untaggedExpiryDays', untagged);

    for (const image of images) {
      claimAppUnique(
        this,
        'ContainerRegistry',
        [props.projectName, region.regionId, image],
        `the repository ${props.projectName}/${image} in ${region.regionId}`,
        'one repository per name, region and account in an app (another image name, project or account)',
        props.accountId,
      );
      const repo = new EcrRepository(this, `Repository-${image}`, {
        provider: region.provider,
        name: `${props.projectName}/${image}`,
        imageTagMutability: 'IMMUTABLE',
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfiguration: [{ encryptionType: 'KMS', kmsKey: region.key.keyArn }],
        forceDelete: false,
      });
      new EcrLifecyclePolicy(this, `Lifecycle-${image}`, {
        provider: region.provider,
        repository: repo.name,
        policy: registryLifecyclePolicy(keep, untagged),
      });
      this.repositories[image] = repo;
    }

    const destinations = props.replicateTo ?? [];
    checkRegionList(this, 'replicateTo', destinations, 'a list of Regions (IRegion[]) of the same zone');
    destinations.forEach((d, i) => {
      if (destinations.indexOf(d) !== i || destinations.findIndex((o) => o.regionId === d.regionId) !== i)
        propError(this, `replicateTo[${i}]`, d.regionId, 'each destination region once');
      assertSameZone(
        `${path}: replicateTo[${i}]`,
        'image replication',
        { regionId: region.regionId, residencyZone: region.spec.residencyZone },
        { regionId: d.regionId, residencyZone: d.spec.residencyZone },
      );
      if (d.regionId === region.regionId)
        throw new Error(`${path}: replicateTo[${i}] "${d.regionId}" is not allowed; allowed: a region other than the registry's own`);
      if (!d.spec.services.includes('compute'))
        throw new Error(`${path}: replicateTo[${i}] "${d.regionId}" is not allowed; allowed: a region that runs "compute"`);
    });
    if (destinations.length > 0) {
      // One replication configuration per account and region (ECR's registry-wide setting): a second
      // one would replace the first at apply, and the first registry's images would stop replicating.
      claimAppUnique(
        this,
        'EcrReplicationConfiguration',
        [region.regionId],
        `the ECR replication configuration of ${region.regionId} (one per account and region)`,
        'one ContainerRegistry with replicateTo per region and account (give it every image: images [...])',
        props.accountId,
      );
      // Registry-wide setting of the region: only the project's repositories replicate.
      this.replication = new EcrReplicationConfiguration(this, 'Replication', {
        provider: region.provider,
        replicationConfiguration: {
          rule: [
            {
              destination: destinations.map((d) => ({ region: d.regionId, registryId: props.accountId })),
              repositoryFilter: [{ filter: `${props.projectName}/`, filterType: 'PREFIX_MATCH' }],
            },
          ],
        },
      });
    }
  }
}
