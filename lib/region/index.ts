export * from './region';
export * from './region-key';
export * from './region-bucket';
export * from './audit-trail';
export * from './region-network';
export * from './tier-security-groups';
export * from './region-cluster';
