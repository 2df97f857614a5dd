/**
 * The AWS regions and their availability-zone names, as typed data: the config validator checks
 * every region id, its continent and its AZ names against this table.
 *
 * Source: AWS documentation, "AWS Regions" and "Availability Zones" of the AWS Regions and
 * Availability Zones user guide (docs.aws.amazon.com/global-infrastructure/latest/regions/),
 * as known on 2025-06 (the date of this table). It was written without network access and NOT
 * re-verified online: check it against that page when AWS opens a region or a zone. A region that
 * is missing here can still be used with `overrides.unknownRegion` and a written reason.
 *
 * AZ names are per account for older regions: new accounts do not get `ap-northeast-1b`, and an
 * account sees two of the three names of `us-west-1`. The table lists the names a new account can
 * use, except where noted.
 */
import type { Continent } from './schema';

/** One AWS region. */
export interface AwsRegionInfo {
  /** Region id, e.g. "eu-west-1". */
  readonly id: string;
  /** AWS's location name. */
  readonly location: string;
  /** The platform continent (stack) the region belongs to; the Americas go to "NA". */
  readonly continent: Continent;
  /** Letters of its availability zones: "a" stands for "<id>a". */
  readonly zones: string;
  /** The AWS partition; regions outside "aws" need their own account and credentials. */
  readonly partition: 'aws' | 'aws-us-gov' | 'aws-cn';
  /** Opt-in region: must be enabled in the account before use. */
  readonly optIn: boolean;
}

/** When the table was written (see the source in this file's header). */
export const AWS_REGION_TABLE_DATE = '2025-06';
/** Where the table comes from. */
export const AWS_REGION_TABLE_SOURCE =
  'AWS documentation, AWS Regions and Availability Zones (docs.aws.amazon.com/global-infrastructure/latest/regions/), as of 2025-06; not re-verified online';

const r = (
  id: string,
  location: string,
  continent: Continent,
  zones: string,
  optIn = false,
  partition: AwsRegionInfo['partition'] = 'aws',
): AwsRegionInfo => ({ id, location, continent, zones, partition, optIn });

/** Every AWS region this table knows, by id. */
export const AWS_REGIONS: ReadonlyMap<string, AwsRegionInfo> = new Map(
  [
    // Americas (the platform's NA continent)
    r('us-east-1', 'US East (N. Virginia)', 'NA', 'abcdef'),
    r('us-east-2', 'US East (Ohio)', 'NA', 'abc'),
    r('us-west-1', 'US West (N. California)', 'NA', 'abc'), // an account sees two of the three
    r('us-west-2', 'US West (Oregon)', 'NA', 'abcd'),
    r('ca-central-1', 'Canada (Central)', 'NA', 'abd'), // there is no ca-central-1c
    r('ca-west-1', 'Canada West (Calgary)', 'NA', 'abc', true),
    r('mx-central-1', 'Mexico (Central)', 'NA', 'abc', true),
    r('sa-east-1', 'South America (São Paulo)', 'NA', 'abc'),
    r('us-gov-west-1', 'AWS GovCloud (US-West)', 'NA', 'abc', false, 'aws-us-gov'),
    r('us-gov-east-1', 'AWS GovCloud (US-East)', 'NA', 'abc', false, 'aws-us-gov'),
    // Asia Pacific
    r('ap-east-1', 'Asia Pacific (Hong Kong)', 'APAC', 'abc', true),
    r('ap-east-2', 'Asia Pacific (Taipei)', 'APAC', 'abc', true),
    r('ap-south-1', 'Asia Pacific (Mumbai)', 'APAC', 'abc'),
    r('ap-south-2', 'Asia Pacific (Hyderabad)', 'APAC', 'abc', true),
    r('ap-southeast-1', 'Asia Pacific (Singapore)', 'APAC', 'abc'),
    r('ap-southeast-2', 'Asia Pacific (Sydney)', 'APAC', 'abc'),
    r('ap-southeast-3', 'Asia Pacific (Jakarta)', 'APAC', 'abc', true),
    r('ap-southeast-4', 'Asia Pacific (Melbourne)', 'APAC', 'abc', true),
    r('ap-southeast-5', 'Asia Pacific (Malaysia)', 'APAC', 'abc', true),
    r('ap-southeast-7', 'Asia Pacific (Thailand)', 'APAC', 'abc', true),
    r('ap-northeast-1', 'Asia Pacific (Tokyo)', 'APAC', 'acd'), // ap-northeast-1b: older accounts only
    r('ap-northeast-2', 'Asia Pacific (Seoul)', 'APAC', 'abcd'),
    r('ap-northeast-3', 'Asia Pacific (Osaka)', 'APAC', 'abc'),
    r('cn-north-1', 'China (Beijing)', 'APAC', 'abd', false, 'aws-cn'),
    r('cn-northwest-1', 'China (Ningxia)', 'APAC', 'abc', false, 'aws-cn'),
    // Europe, Middle East and Africa
    r('eu-west-1', 'Europe (Ireland)', 'EMEA', 'abc'),
    r('eu-west-2', 'Europe (London)', 'EMEA', 'abc'),
    r('eu-west-3', 'Europe (Paris)', 'EMEA', 'abc'),
    r('eu-central-1', 'Europe (Frankfurt)', 'EMEA', 'abc'),
    r('eu-central-2', 'Europe (Zurich)', 'EMEA', 'abc', true),
    r('eu-north-1', 'Europe (Stockholm)', 'EMEA', 'abc'),
    r('eu-south-1', 'Europe (Milan)', 'EMEA', 'abc', true),
    r('eu-south-2', 'Europe (Spain)', 'EMEA', 'abc', true),
    r('il-central-1', 'Israel (Tel Aviv)', 'EMEA', 'abc', true),
    r('me-south-1', 'Middle East (Bahrain)', 'EMEA', 'abc', true),
    r('me-central-1', 'Middle East (UAE)', 'EMEA', 'abc', true),
    r('af-south-1', 'Africa (Cape Town)', 'EMEA', 'abc', true),
  ].map((info) => [info.id, info] as const),
);

/** The AZ names of a known region, e.g. ["eu-west-1a", "eu-west-1b", "eu-west-1c"]. */
export function availabilityZonesOf(region: AwsRegionInfo): string[] {
  return [...region.zones].map((letter) => `${region.id}${letter}`);
}
