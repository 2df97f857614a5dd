/**
 * Where Terraform keeps state: local files by default; S3 (with S3-native locking) or GCS when the
 * environment says so. Read from the environment so that the same synth serves a laptop, a pull
 * request review and the deploy job.
 */
import { GcsBackend, LocalBackend, S3Backend, type TerraformStack } from 'cdktf';
import { AWS_REGIONS } from './config/aws-regions';
import { formatValue } from '../runtime/problem';

/** Environment variables read by {@link stateBackendFromEnv}. */
export const STATE_ENV = {
  kind: 'TAISHANGLAOJUN_STATE_BACKEND',
  bucket: 'TAISHANGLAOJUN_STATE_BUCKET',
  region: 'TAISHANGLAOJUN_STATE_REGION',
  prefix: 'TAISHANGLAOJUN_STATE_PREFIX',
} as const;

export type StateBackendSettings =
  | {
      readonly kind: 'local';
      /**
       * Folder of the state files (`terraform.<stack>.tfstate`), relative to each stack's working
       * folder (`<output>/stacks/<stack>`), so the synthesized JSON names no absolute path and is the
       * same in every checkout. @default cdktf's: an absolute path to the working directory of the synth
       */
      readonly stateDir?: string;
    }
  | { readonly kind: 's3'; readonly bucket: string; readonly region: string; readonly prefix: string }
  | { readonly kind: 'gcs'; readonly bucket: string; readonly prefix: string };

/**
 * Prefixes and suffixes S3 reserves (S3 user guide, "General purpose bucket naming rules"): names
 * with them are refused by CreateBucket or mean an access point alias, a Multi-Region Access Point,
 * an S3 Express directory bucket, an Object Lambda alias or an S3 table bucket.
 */
export const S3_RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'] as const;
export const S3_RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'] as const;
/** The regions of the `aws` partition the region table knows: where a state bucket may be. */
const COMMERCIAL_REGIONS = [...AWS_REGIONS.values()].filter((r) => r.partition === 'aws').map((r) => r.id);

/** Reads the state backend from the environment; throws a clear error naming the variable on bad input. */
export function stateBackendFromEnv(env: NodeJS.ProcessEnv = process.env): StateBackendSettings {
  // An empty variable counts as unset: CI systems pass an unset repository variable as "" (see
  // .github/workflows/infra.yml), and that must mean the default, as leaving it out does.
  const get = (name: string): string | undefined => (env[name] === undefined || env[name]!.trim() === '' ? undefined : env[name]);
  const kind = get(STATE_ENV.kind) ?? 'local';
  const prefix = get(STATE_ENV.prefix) ?? 'taishanglaojun';
  const need = (name: string): string => {
    const value = get(name);
    if (!value) throw new Error(`${name} is missing; it is required when ${STATE_ENV.kind}=${kind}`);
    return value;
  };
  if (!/^[a-zA-Z0-9._-]+(\/[a-zA-Z0-9._-]+)*$/.test(prefix) || prefix.split('/').some((part) => part === '.' || part === '..'))
    throw new Error(
      `${STATE_ENV.prefix}=${formatValue(prefix)} is not allowed; allowed: path segments of letters, digits, ".", "_", "-" joined by single "/" (no leading or trailing "/", no "." or ".." segment)`,
    );
  switch (kind) {
    case 'local':
      for (const name of [STATE_ENV.bucket, STATE_ENV.region])
        if (get(name) !== undefined)
          throw new Error(
            `${name} is set, but ${STATE_ENV.kind} is local (the default); set ${STATE_ENV.kind}=s3 or gcs, or unset ${name}`,
          );
      return { kind };
    case 's3': {
      const bucket = need(STATE_ENV.bucket);
      const region = need(STATE_ENV.region);
      if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket) || bucket.includes('..') || /^\d+\.\d+\.\d+\.\d+$/.test(bucket))
        throw new Error(
          `${STATE_ENV.bucket}=${formatValue(bucket)} is not a valid S3 bucket name; allowed: 3-63 lowercase letters, digits, "." and "-", starting and ending with a letter or digit, no "..", not an IP address`,
        );
      const reserved = S3_RESERVED_PREFIXES.find((p) => bucket.startsWith(p)) ?? S3_RESERVED_SUFFIXES.find((x) => bucket.endsWith(x));
      if (reserved !== undefined)
        throw new Error(
          `${STATE_ENV.bucket}=${formatValue(bucket)} is not a valid S3 bucket name: ${bucket.startsWith(reserved) ? 'the prefix' : 'the suffix'} "${reserved}" is reserved by S3; allowed: a name that starts with none of ${S3_RESERVED_PREFIXES.map((p) => `"${p}"`).join(', ')} and ends with none of ${S3_RESERVED_SUFFIXES.map((x) => `"${x}"`).join(', ')}`,
        );
      const known = AWS_REGIONS.get(region);
      if (known === undefined || known.partition !== 'aws')
        throw new Error(
          `${STATE_ENV.region}=${formatValue(region)} is not allowed: ${known === undefined ? 'not an AWS region the region table (lib/config/aws-regions.ts) knows' : `a region of the ${known.partition} partition, which the stacks do not deploy to`}; allowed: an AWS commercial region: ${COMMERCIAL_REGIONS.join(', ')}`,
        );
      return { kind, bucket, region, prefix };
    }
    case 'gcs': {
      const bucket = need(STATE_ENV.bucket);
      if (get(STATE_ENV.region) !== undefined) throw new Error(`${STATE_ENV.region} is set, but the gcs backend takes no region; unset it`);
      // Cloud Storage bucket naming rules (cloud.google.com/storage/docs/buckets#naming): 3-63
      // characters, or up to 222 with dots (each dot-separated part at most 63; a domain name).
      const parts = bucket.split('.');
      const validGcs =
        /^[a-z0-9][a-z0-9_.-]*[a-z0-9]$/.test(bucket) &&
        bucket.length >= 3 &&
        bucket.length <= (parts.length > 1 ? 222 : 63) &&
        parts.every((part) => part.length >= 1 && part.length <= 63) &&
        !/^\d+\.\d+\.\d+\.\d+$/.test(bucket) &&
        !bucket.startsWith('goog') &&
        !bucket.includes('google');
      if (!validGcs)
        throw new Error(
          `${STATE_ENV.bucket}=${formatValue(bucket)} is not a valid Cloud Storage bucket name; allowed: 3-63 lowercase letters, digits, "-", "_" and "." (up to 222 with dots, each dot-separated part at most 63), starting and ending with a letter or digit, not an IP address, not starting with "goog" or containing "google"`,
        );
      return { kind, bucket, prefix };
    }
    default:
      throw new Error(`${STATE_ENV.kind}=${formatValue(kind)} is not allowed; allowed: local, s3, gcs`);
  }
}

/** Configures the stack's backend (local without a `stateDir`: cdktf's default local backend). */
export function applyStateBackend(stack: TerraformStack, stackName: string, settings: StateBackendSettings): void {
  if (settings.kind === 'local') {
    if (settings.stateDir !== undefined) new LocalBackend(stack, { path: `${settings.stateDir}/terraform.${stackName}.tfstate` });
  } else if (settings.kind === 's3') {
    const backend = new S3Backend(stack, {
      bucket: settings.bucket,
      region: settings.region,
      key: `${settings.prefix}/${stackName}.tfstate`,
      encrypt: true,
    });
    // S3-native state locking (Terraform >= 1.10); cdktf 0.21's S3Backend has no typed field for it.
    backend.addOverride('use_lockfile', true);
  } else if (settings.kind === 'gcs') {
    new GcsBackend(stack, { bucket: settings.bucket, prefix: `${settings.prefix}/${stackName}` });
  }
}
