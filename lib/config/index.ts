export * from './schema';
export * from './model';
export * from './errors';
export * from './defaults';
export { checkRegionsConfig, validateRegionsConfig, MAX_AVAILABILITY_ZONES } from './validate';
