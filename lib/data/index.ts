export * from './endpoint-names';
export * from './database-parameter-group';
export * from './replicated-database';
export * from './zone-network';
export * from './database-endpoints';
export * from './zone-backup';
export * from './container-registry';
export * from './zone-data-tier';
