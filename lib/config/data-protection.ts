/**
 * Where the data-protection regimes the config names apply, and where the personal data of the
 * residents of the countries they protect may be held: the small legal table behind the checks of
 * a region's `compliance` labels and of the residency zone serving each country
 * (`private/region-checks.ts`). Locations are countries (ISO 3166-1 alpha-2); the country of an
 * AWS region is in `aws-regions.ts`.
 *
 * Sources: the GDPR (Regulation (EU) 2016/679, Art. 3 and Chapter V) and the EEA Agreement
 * (Annex XI, which brings it to Iceland, Liechtenstein and Norway); the UK GDPR (the GDPR as
 * retained in UK law by the European Union (Withdrawal) Act 2018) and the Data Protection Act 2018
 * (Schedule 21: the EEA states count as adequate); the Commission's adequacy decision for the UK
 * (Implementing Decision (EU) 2021/1772, due for renewal in 2025: check it is in force); the Swiss FADP (Art. 16) and its
 * ordinance (DPO Annex 1: the EEA states and the UK are adequate); each other regime's own act,
 * named in {@link REGIMES}. As known on 2026-11-28 ({@link DATA_PROTECTION_TABLE_DATE}), written
 * without network access and NOT re-verified online: check an adequacy decision is still in force
 * before relying on it, and this table when a regime or a region is added.
 *
 * Not modelled: China's PIPL (the config names no such regime, and the stacks cannot deploy to
 * the aws-cn partition, so no region could satisfy it), Swiss law as a region label (no region in
 * Switzerland can be labelled truthfully until the FADP is a regime), and adequacy decisions
 * beyond the UK's for EU/EEA data (Japan, Korea, Israel …): a zone holding such regions serves
 * EU/EEA countries only with a per-country override and its written legal basis.
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
/**
 * Parts of EU member states with an ISO code of their own, where the GDPR applies: the French
 * outermost regions (French Guiana, Guadeloupe, Martinique, Réunion, Mayotte, Saint-Martin) and
 * Åland (Finland).
 */
const EU_TERRITORIES = ['GF', 'GP', 'MQ', 'RE', 'YT', 'MF', 'AX'];

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

/**
 * Countries whose residents' personal data must stay in certain places: every region of the
 * residency zone that serves such a country (its database replicas, backups and gateways) must be
 * in one of `regionCountries`, or the serving region states the legal basis for the country in
 * `overrides.residency`.
 */
export interface ResidencyRule {
  /** The law, for messages. */
  readonly law: string;
  /** The countries it protects. */
  readonly countries: readonly string[];
  /** Where their data may be held without a further legal basis. */
  readonly regionCountries: readonly string[];
  /** Those places in words, for messages. */
  readonly where: string;
  /** A region the table does not know (overrides.unknownRegion) counts as inside when it claims this regime. */
  readonly regime: ComplianceRegime;
}

export const RESIDENCY_RULES: readonly ResidencyRule[] = [
  {
    // Inside the EEA the GDPR applies; the UK has an adequacy decision (2021/1772).
    law: 'the GDPR (EU/EEA)',
    countries: [...EEA, ...EU_TERRITORIES],
    regionCountries: [...EEA, 'GB'],
    where: 'the EU/EEA or the UK',
    regime: 'GDPR',
  },
  {
    // The UK GDPR; the EEA states are adequate (DPA 2018, Schedule 21).
    law: 'the UK GDPR',
    countries: ['GB'],
    regionCountries: [...EEA, 'GB'],
    where: 'the UK or the EU/EEA',
    regime: 'GDPR',
  },
  {
    // The FADP; the EEA states and the UK are adequate (DPO Annex 1).
    law: 'the Swiss FADP',
    countries: ['CH'],
    regionCountries: [...EEA, 'GB', 'CH'],
    where: 'Switzerland, the EU/EEA or the UK',
    regime: 'GDPR',
  },
];
