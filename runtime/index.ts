/**
 * The cdktf-free runtime: what the deployed gateway imports. Re-exports only; importing this
 * module does no work (the geo database loads on the first lookup).
 */
export * from './problem';
export * from './routing-table';
export * from './load-table';
export * from './shard-ring';
export * from './replica';
export * from './geo';
export * from './client-address';
export * from './origin-auth';
export * from './router';
export * from './clock';
export * from './health';
export * from './failover';
export * from './registry';
export * from './events';
export * from './metric-names';
export * from './mtls';
export * from './routing-runtime';
export * from './cost';
export * from './ids';
