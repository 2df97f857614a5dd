/**
 * Where the data-protection regimes the config names apply: the small legal table behind the
 * check of a region's `compliance` labels (`private/region-checks.ts`). Locations are countries
 * (ISO 3166-1 alpha-2); the country of an AWS region is in `aws-regions.ts`.
 *
 * Sources: the GDPR (Regulation (EU) 2016/679, Art. 3) and the EEA Agreement (Annex XI, which
 * brings it to Iceland, Liechtenstein and Norway); the UK GDPR (the GDPR as retained in UK law by
 * the European Union (Withdrawal) Act 2018); each other regime's own act, named in
 * {@link REGIMES}. As known on 2026-11-28 ({@link DATA_PROTECTION_TABLE_DATE}), written without
 * network access and NOT re-verified online: check this table when a regime or a region is added.
 *
 * Not modelled: China's PIPL (the config names no such regime, and the stacks cannot deploy to
 * the aws-cn partition), and Swiss law as a region label (no region in Switzerland can be
 * labelled truthfully until the FADP is a regime).
 */
import type { ComplianceRegime } from './schema';

/** When the table was written (see the sources above). */
export const DATA_PROTECTION_TABLE_DATE = '2026-11-28';

/** The EU-27 member states. */
// prettier-ignore
const EU = [
  'AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR', 'HU', 'IE',
  'IT', 'LV', 'LT', 'LU', 'MT', 'NL', 'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE',
];
/** The EEA: the EU and Iceland, Liechtenstein and Norway. */
export const EEA: readonly string[] = [...EU, 'IS', 'LI', 'NO'];
/** A regime the config names: where it applies to a region by the region's location. */
export interface RegimeInfo {
  /** The law, as a person would look it up. */
  readonly law: string;
  /** Countries a region may be in to be under it. */
  readonly countries: readonly string[];
  /** Those places in words, for messages. */
  readonly where: string;
}

/** Each regime of `COMPLIANCE_REGIMES` and where it applies. */
export const REGIMES: Readonly<Record<ComplianceRegime, RegimeInfo>> = {
  GDPR: {
    // In the UK as the UK GDPR (the GDPR retained in UK law).
    law: 'GDPR (Regulation (EU) 2016/679)',
    countries: [...EEA, 'GB'],
    where: 'the EU/EEA and the UK (as the UK GDPR)',
  },
  BDSG: { law: 'Bundesdatenschutzgesetz', countries: ['DE'], where: 'Germany' },
  DPA: { law: 'UK Data Protection Act 2018', countries: ['GB'], where: 'the UK' },
  CCPA: { law: 'California Consumer Privacy Act', countries: ['US'], where: 'the US' },
  HIPAA: { law: 'Health Insurance Portability and Accountability Act', countries: ['US'], where: 'the US' },
  PIPEDA: { law: 'Personal Information Protection and Electronic Documents Act', countries: ['CA'], where: 'Canada' },
  PDPO: { law: 'Personal Data (Privacy) Ordinance (Cap. 486)', countries: ['HK'], where: 'Hong Kong' },
  // Singapore's PDPA 2012, and Malaysia's (2010) and Thailand's (2019) acts of the same name.
  PDPA: { law: 'Personal Data Protection Act', countries: ['SG', 'MY', 'TH'], where: 'Singapore, Malaysia and Thailand' },
  APPI: { law: 'Act on the Protection of Personal Information', countries: ['JP'], where: 'Japan' },
  DPDP: { law: 'Digital Personal Data Protection Act 2023', countries: ['IN'], where: 'India' },
};

/** The regimes that apply to a region in `country`. */
export function regimesIn(country: string): ComplianceRegime[] {
  return (Object.keys(REGIMES) as ComplianceRegime[]).filter((regime) => REGIMES[regime].countries.includes(country));
}
