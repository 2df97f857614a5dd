export * from './schema';
export * from './model';
export * from './errors';
export * from './defaults';
export { checkRegionsConfig, validateRegionsConfig } from './validate';
export * from './prices';
export * from './reserved-capacity';
