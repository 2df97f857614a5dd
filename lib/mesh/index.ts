export * from './tls-policy';
