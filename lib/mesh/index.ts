export * from './tls-policy';
export * from './mtls-mesh';
