export * from './hostnames';
export * from './edge-residency';
export * from './global-ingress';
export * from './cdn-zone';
export * from './load-balancer-log-bucket';
export * from './region-ingress';
export * from './bootstrap';
