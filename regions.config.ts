/**
 * The one declaration of the platform: regions, residency zones, shards and the global settings.
 * Everything else — the continent stacks, the global edge, the routing table the gateway loads,
 * monitoring and plans — is derived from this file. Validated at synth (`lib/config`).
 *
 * Values follow the design document (../shared/seed, 全球区域规划 and the failover, reserved-instance,
 * CDN and alert sections). Departures: every region serves an explicit, complete country list (the
 * design's router only listed four regions and sent GB and CA far away), and residency zones replace
 * the design's global default region.
 *
 * Countries left unmapped on purpose (users from them are refused, anonymous traffic is scored
 * across all regions): uninhabited territories (AQ, BV, GS, HM, TF, UM) and countries under
 * comprehensive sanctions (BY, CU, IR, KP, RU, SY) — whether to serve those is a business and
 * legal decision, not a default.
 */
import type { RegionsConfigInput } from './lib/config';

const config = {
  project: {
    name: 'taishanglaojun',
    domain: 'taishanglaojun.com',
    apiHost: 'api.taishanglaojun.com',
    gcpProject: 'taishanglaojun-edge',
  },

  residencyZones: [
    { id: 'apac', description: 'Asia-Pacific personal data (PDPO, PDPA, APPI, DPDP)' },
    { id: 'emea', description: 'Europe, Middle East and Africa personal data (GDPR, BDSG, UK DPA)' },
    { id: 'na', description: 'North and South America personal data (CCPA, HIPAA, PIPEDA)' },
  ],

  regions: [
    // ---- APAC ----
    {
      id: 'ap-east-1', location: 'Hong Kong', continent: 'APAC', primary: true, services: 'all',
      compliance: ['PDPO'], residencyZone: 'apac',
      availabilityZones: ['ap-east-1a', 'ap-east-1b', 'ap-east-1c'], cidr: '10.10.0.0/16',
      countries: ['CN', 'HK', 'MO', 'TW', 'MN'],
      latencyThresholdMs: 50, capacity: 10000,
      reservedCapacity: {
        baselineCapacity: 100, reservedPercent: 70,
        instanceTypes: [{ type: 'c5.2xlarge', count: 50, term: '1year' }, { type: 'm5.xlarge', count: 30, term: '3year' }],
      },
    },
    {
      id: 'ap-southeast-1', location: 'Singapore', continent: 'APAC', services: ['compute', 'storage', 'cdn'],
      compliance: ['PDPA'], residencyZone: 'apac',
      availabilityZones: ['ap-southeast-1a', 'ap-southeast-1b', 'ap-southeast-1c'], cidr: '10.11.0.0/16',
      countries: ['SG', 'MY', 'TH', 'ID', 'PH', 'VN', 'KH', 'LA', 'MM', 'BN', 'TL', 'AU', 'NZ', 'PG', 'FJ', 'SB', 'VU', 'NC', 'PF', 'WS', 'TO', 'KI', 'FM', 'MH', 'PW', 'NR', 'TV',
        'CC', 'CX', 'NF', 'CK', 'NU', 'TK', 'PN', 'WF'],
      latencyThresholdMs: 80, capacity: 8000,
    },
    {
      id: 'ap-northeast-1', location: 'Tokyo', continent: 'APAC', services: ['compute', 'storage'],
      compliance: ['APPI'], residencyZone: 'apac',
      availabilityZones: ['ap-northeast-1a', 'ap-northeast-1c', 'ap-northeast-1d'], cidr: '10.12.0.0/16',
      countries: ['JP', 'KR'],
      latencyThresholdMs: 60, capacity: 8000,
    },
    {
      id: 'ap-south-1', location: 'Mumbai', continent: 'APAC', services: ['compute', 'storage'],
      compliance: ['DPDP'], residencyZone: 'apac',
      availabilityZones: ['ap-south-1a', 'ap-south-1b', 'ap-south-1c'], cidr: '10.13.0.0/16',
      countries: ['IN', 'PK', 'BD', 'LK', 'NP', 'BT', 'MV', 'AF', 'IO'],
      latencyThresholdMs: 80, capacity: 6000,
    },
    // ---- EMEA ----
    {
      id: 'eu-west-1', location: 'Ireland', continent: 'EMEA', primary: true, services: 'all',
      compliance: ['GDPR'], residencyZone: 'emea',
      availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'], cidr: '10.20.0.0/16',
      countries: ['IE', 'FR', 'NL', 'BE', 'LU', 'ES', 'PT', 'IS', 'MT', 'AD', 'MC',
        'MA', 'DZ', 'TN', 'LY', 'EH', 'SN', 'ML', 'NE', 'MR', 'GM', 'GN', 'GW', 'SL', 'LR', 'CI', 'BF', 'GH', 'TG', 'BJ', 'NG', 'CM', 'TD', 'CF', 'GA', 'GQ', 'CG', 'CD', 'AO', 'CV', 'ST',
        // EU outermost regions and French overseas collectivities: GDPR territory, so EMEA.
        'GF', 'GP', 'MQ', 'RE', 'YT', 'MF', 'BL', 'PM'],
      latencyThresholdMs: 60, capacity: 12000,
      reservedCapacity: {
        baselineCapacity: 80, reservedPercent: 60,
        instanceTypes: [{ type: 'c5.2xlarge', count: 40, term: '1year' }],
      },
    },
    {
      id: 'eu-central-1', location: 'Frankfurt', continent: 'EMEA', services: ['compute', 'storage', 'cdn'],
      compliance: ['GDPR', 'BDSG'], residencyZone: 'emea',
      availabilityZones: ['eu-central-1a', 'eu-central-1b', 'eu-central-1c'], cidr: '10.21.0.0/16',
      countries: ['DE', 'AT', 'CH', 'LI', 'IT', 'SM', 'VA', 'PL', 'CZ', 'SK', 'HU', 'SI', 'HR', 'BA', 'RS', 'ME', 'MK', 'AL', 'GR', 'CY', 'BG', 'RO', 'MD', 'UA',
        'LT', 'LV', 'EE', 'FI', 'AX', 'SE', 'NO', 'SJ', 'DK', 'FO', 'GL', 'XK', 'TR', 'IL', 'PS', 'AE', 'SA', 'QA', 'KW', 'BH', 'OM', 'JO', 'LB', 'IQ', 'GE', 'AM', 'AZ', 'KZ', 'UZ', 'KG', 'TJ', 'TM',
        'EG', 'SD', 'SS', 'ET', 'ER', 'DJ', 'SO', 'KE', 'UG', 'RW', 'BI', 'TZ', 'ZA', 'NA', 'BW', 'ZW', 'ZM', 'MW', 'MZ', 'MG', 'MU', 'SC', 'KM', 'LS', 'SZ', 'YE'],
      latencyThresholdMs: 60, capacity: 10000,
    },
    {
      id: 'eu-west-2', location: 'London', continent: 'EMEA', services: ['compute', 'storage'],
      compliance: ['GDPR', 'DPA'], residencyZone: 'emea',
      availabilityZones: ['eu-west-2a', 'eu-west-2b', 'eu-west-2c'], cidr: '10.22.0.0/16',
      countries: ['GB', 'IM', 'JE', 'GG', 'GI', 'FK', 'SH', 'AC', 'TA'],
      latencyThresholdMs: 60, capacity: 8000,
    },
    // ---- NA ----
    {
      id: 'us-east-1', location: 'Virginia', continent: 'NA', primary: true, services: 'all',
      compliance: ['CCPA', 'HIPAA'], residencyZone: 'na',
      availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'], cidr: '10.30.0.0/16',
      countries: ['US', 'PR', 'VI', 'BR', 'AR', 'CL', 'CO', 'PE', 'VE', 'EC', 'BO', 'PY', 'UY', 'GY', 'SR', 'PA', 'CR', 'NI', 'HN', 'SV', 'GT', 'BZ',
        'DO', 'HT', 'JM', 'TT', 'BB', 'BS', 'AG', 'DM', 'GD', 'KN', 'LC', 'VC',
        'AI', 'AW', 'BQ', 'CW', 'KY', 'MS', 'SX', 'TC', 'VG'],
      latencyThresholdMs: 70, capacity: 15000,
      reservedCapacity: {
        baselineCapacity: 120, reservedPercent: 75,
        instanceTypes: [{ type: 'c5.4xlarge', count: 60, term: '1year' }, { type: 'm5.2xlarge', count: 30, term: '3year' }],
      },
    },
    {
      id: 'us-west-2', location: 'Oregon', continent: 'NA', services: ['compute', 'storage', 'cdn'],
      compliance: ['CCPA'], residencyZone: 'na',
      availabilityZones: ['us-west-2a', 'us-west-2b', 'us-west-2c'], cidr: '10.31.0.0/16',
      countries: ['MX', 'GU', 'MP', 'AS'],
      latencyThresholdMs: 70, capacity: 12000,
    },
    {
      id: 'ca-central-1', location: 'Canada Central', continent: 'NA', services: ['compute', 'storage'],
      compliance: ['PIPEDA'], residencyZone: 'na',
      availabilityZones: ['ca-central-1a', 'ca-central-1b', 'ca-central-1d'], cidr: '10.32.0.0/16',
      countries: ['CA', 'BM'],
      latencyThresholdMs: 70, capacity: 6000,
    },
  ],
} satisfies RegionsConfigInput;

export default config;
