/** Package entry of `@taishanglaojun/infra`: the constructs, the config API and the stacks. */
export * from './lib';
export * from './stacks';
