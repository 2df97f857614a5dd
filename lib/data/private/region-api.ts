/** The Region API the data tier builds on (lib/region/interfaces.ts). */
export type { IRegion, IRegionKey, IRegionNetwork, IRegionSecurityGroups } from '../../region/interfaces';
