export * from './continent-stack';
export * from './global-stack';
export * from './platform';
