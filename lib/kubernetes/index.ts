export * from './provider';
export * from './manifest';
export * from './network-policies';
export * from './monitoring-roles';
export * from './cluster-workloads';
