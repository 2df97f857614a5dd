/**
 * The reference gateway on the runtime: `@taishanglaojun/infra/gateway`. The runtime
 * (`@taishanglaojun/infra/runtime`) stays free of any server; this entry holds the server.
 */
export * from './gateway';
export * from './metrics';
export * from './upstreams';
export * from './registry-upstreams';
export { parseGatewayFlags, gatewayFromFlags, GATEWAY_USAGE, UsageError } from './cli';
