export * from './schema';
export * from './model';
export * from './errors';
export * from './defaults';
export { checkRegionsConfig, validateRegionsConfig } from './validate';
export * from './prices';
export * from './reserved-capacity';
export {
  CONFIG_ENV,
  DEFAULT_CONFIG_FILE,
  ConfigLoadError,
  configLocationFromEnv,
  loadBundledConfigModule,
  loadConfigModule,
  loadRegionsConfig,
  type ConfigLocation,
} from './load';
