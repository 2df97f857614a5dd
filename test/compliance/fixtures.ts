/** Small hand-written app views for rule tests: a few resources, resolved as cdktf would write them. */
import type { AppView, ProviderView, ResourceView } from '../../lib/compliance';
import { validConfig } from '../helpers/platform';

export const TAGS_APAC = { ResidencyZone: 'apac', Compliance: 'PDPO' };
export const TAGS_EMEA = { ResidencyZone: 'emea', Compliance: 'GDPR' };

export function res(type: string, name: string, attributes: Record<string, unknown>, more: Partial<ResourceView> = {}): ResourceView {
  return { stack: 'apac', type, name, path: `apac/ap-east-1/${name}`, attributes, region: 'ap-east-1', providerTags: TAGS_APAC, ...more };
}

export const ref = (type: string, name: string, attr = 'id') => `\${${type}.${name}.${attr}}`;

export function provider(region: string, tags: Record<string, string>, more: Partial<ProviderView> = {}): ProviderView {
  return {
    stack: 'apac',
    type: 'aws',
    alias: region.replace(/-/g, '_'),
    path: `apac/${region}/Provider`,
    attributes: { region, default_tags: [{ tags }] },
    ...more,
  };
}

export function app(resources: ResourceView[], more: Partial<AppView> = {}): AppView {
  return {
    stacks: ['apac', 'emea'],
    resources,
    providers: [provider('ap-east-1', TAGS_APAC), provider('eu-west-1', TAGS_EMEA, { stack: 'emea' })],
    config: validConfig,
    ...more,
  };
}

/** A bucket with everything the storage rules want, plus optional overrides of its parts. */
export function hardenedBucket(
  overrides: { sse?: Record<string, unknown>; pab?: Record<string, unknown>; versioning?: string; policy?: unknown[] } = {},
) {
  const b = res('aws_s3_bucket', 'b', { bucket: 'x' });
  const bucket = ref('aws_s3_bucket', 'b');
  return [
    b,
    res('aws_s3_bucket_server_side_encryption_configuration', 'sse', {
      bucket,
      rule: [
        {
          apply_server_side_encryption_by_default: {
            sse_algorithm: 'aws:kms',
            kms_master_key_id: ref('aws_kms_key', 'k', 'arn'),
            ...overrides.sse,
          },
        },
      ],
    }),
    res('aws_s3_bucket_public_access_block', 'pab', {
      bucket,
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
      ...overrides.pab,
    }),
    res('aws_s3_bucket_versioning', 'ver', { bucket, versioning_configuration: { status: overrides.versioning ?? 'Enabled' } }),
    res('aws_s3_bucket_policy', 'pol', {
      bucket,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: overrides.policy ?? [
          {
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:*',
            Resource: [ref('aws_s3_bucket', 'b', 'arn'), `${ref('aws_s3_bucket', 'b', 'arn')}/*`],
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      }),
    }),
  ];
}
