export * from './typed-emitter';
