export * from './continent-stack';
export * from './global-stack';
export * from './platform';
export * from './workload-stack';
export * from './phases';
