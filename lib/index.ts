export * from './config';
export * from './region';
export * from './offline';
export * from './state-backend';
export * from './routing-table';
export * from './limits';
export * from './mesh';
export * from './reports';
