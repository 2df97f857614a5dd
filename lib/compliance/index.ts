export * from './rule';
export * from './view-helpers';
export * from './evaluate';
export * from './suppressions';
export * from './view';
export * from './compliance-pack';
export * from './packs/platform';
