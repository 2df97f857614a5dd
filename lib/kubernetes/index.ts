export * from './provider';
export * from './manifest';
export * from './network-policies';
export * from './cluster-workloads';
