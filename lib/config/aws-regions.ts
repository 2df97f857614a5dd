/**
 * The AWS regions and their availability-zone names, as typed data: the config validator checks
 * every region id, its continent, its AZ names, its partition and (through the country it is in)
 * its compliance regimes against this table.
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
  /** ISO 3166-1 alpha-2 code of the country the region is in (its data-protection law: data-protection.ts). */
  readonly country: string;
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
  country: string,
  location: string,
  continent: Continent,
  zones: string,
  optIn = false,
  partition: AwsRegionInfo['partition'] = 'aws',
): AwsRegionInfo => ({ id, location, country, continent, zones, partition, optIn });

/** Every AWS region this table knows, by id. */
export const AWS_REGIONS: ReadonlyMap<string, AwsRegionInfo> = new Map(
  [
    // Americas (the platform's NA continent)
    r('us-east-1', 'US', 'US East (N. Virginia)', 'NA', 'abcdef'),
    r('us-east-2', 'US', 'US East (Ohio)', 'NA', 'abc'),
    r('us-west-1', 'US', 'US West (N. California)', 'NA', 'abc'), // an account sees two of the three
    r('us-west-2', 'US', 'US West (Oregon)', 'NA', 'abcd'),
    r('ca-central-1', 'CA', 'Canada (Central)', 'NA', 'abd'), // there is no ca-central-1c
    r('ca-west-1', 'CA', 'Canada West (Calgary)', 'NA', 'abc', true),
    r('mx-central-1', 'MX', 'Mexico (Central)', 'NA', 'abc', true),
    r('sa-east-1', 'BR', 'South America (São Paulo)', 'NA', 'abc'),
    r('us-gov-west-1', 'US', 'AWS GovCloud (US-West)', 'NA', 'abc', false, 'aws-us-gov'),
    r('us-gov-east-1', 'US', 'AWS GovCloud (US-East)', 'NA', 'abc', false, 'aws-us-gov'),
    // Asia Pacific
    r('ap-east-1', 'HK', 'Asia Pacific (Hong Kong)', 'APAC', 'abc', true),
    r('ap-east-2', 'TW', 'Asia Pacific (Taipei)', 'APAC', 'abc', true),
    r('ap-south-1', 'IN', 'Asia Pacific (Mumbai)', 'APAC', 'abc'),
    r('ap-south-2', 'IN', 'Asia Pacific (Hyderabad)', 'APAC', 'abc', true),
    r('ap-southeast-1', 'SG', 'Asia Pacific (Singapore)', 'APAC', 'abc'),
    r('ap-southeast-2', 'AU', 'Asia Pacific (Sydney)', 'APAC', 'abc'),
    r('ap-southeast-3', 'ID', 'Asia Pacific (Jakarta)', 'APAC', 'abc', true),
    r('ap-southeast-4', 'AU', 'Asia Pacific (Melbourne)', 'APAC', 'abc', true),
    r('ap-southeast-5', 'MY', 'Asia Pacific (Malaysia)', 'APAC', 'abc', true),
    r('ap-southeast-7', 'TH', 'Asia Pacific (Thailand)', 'APAC', 'abc', true),
    r('ap-northeast-1', 'JP', 'Asia Pacific (Tokyo)', 'APAC', 'acd'), // ap-northeast-1b: older accounts only
    r('ap-northeast-2', 'KR', 'Asia Pacific (Seoul)', 'APAC', 'abcd'),
    r('ap-northeast-3', 'JP', 'Asia Pacific (Osaka)', 'APAC', 'abc'),
    r('cn-north-1', 'CN', 'China (Beijing)', 'APAC', 'abd', false, 'aws-cn'),
    r('cn-northwest-1', 'CN', 'China (Ningxia)', 'APAC', 'abc', false, 'aws-cn'),
    // Europe, Middle East and Africa
    r('eu-west-1', 'IE', 'Europe (Ireland)', 'EMEA', 'abc'),
    r('eu-west-2', 'GB', 'Europe (London)', 'EMEA', 'abc'),
    r('eu-west-3', 'FR', 'Europe (Paris)', 'EMEA', 'abc'),
    r('eu-central-1', 'DE', 'Europe (Frankfurt)', 'EMEA', 'abc'),
    r('eu-central-2', 'CH', 'Europe (Zurich)', 'EMEA', 'abc', true),
    r('eu-north-1', 'SE', 'Europe (Stockholm)', 'EMEA', 'abc'),
    r('eu-south-1', 'IT', 'Europe (Milan)', 'EMEA', 'abc', true),
    r('eu-south-2', 'ES', 'Europe (Spain)', 'EMEA', 'abc', true),
    r('il-central-1', 'IL', 'Israel (Tel Aviv)', 'EMEA', 'abc', true),
    r('me-south-1', 'BH', 'Middle East (Bahrain)', 'EMEA', 'abc', true),
    r('me-central-1', 'AE', 'Middle East (UAE)', 'EMEA', 'abc', true),
    r('af-south-1', 'ZA', 'Africa (Cape Town)', 'EMEA', 'abc', true),
  ].map((info) => [info.id, info] as const),
);

/** The AZ names of a known region, e.g. ["eu-west-1a", "eu-west-1b", "eu-west-1c"]. */
export function availabilityZonesOf(region: AwsRegionInfo): string[] {
  return [...region.zones].map((letter) => `${region.id}${letter}`);
}
