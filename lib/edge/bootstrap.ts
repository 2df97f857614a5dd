/**
 * First deploy of the edge, chosen by the environment: `TAISHANGLAOJUN_EDGE_BOOTSTRAP=1` synthesizes
 * the continent stacks' load balancers without their HTTPS listeners (which wait for certificates
 * the global stack validates in Cloudflare). README "First deploy of the edge" gives the order.
 */

/** The environment variable that turns the edge bootstrap on. */
export const EDGE_BOOTSTRAP_ENV = 'TAISHANGLAOJUN_EDGE_BOOTSTRAP';

/** True when the environment asks for the edge bootstrap ("1" or "true"); any other value is an error. */
export function edgeBootstrapFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env[EDGE_BOOTSTRAP_ENV];
  if (value === undefined || value === '' || value === '0' || value === 'false') return false;
  if (value === '1' || value === 'true') return true;
  throw new Error(`${EDGE_BOOTSTRAP_ENV}="${value}" is not allowed; allowed: 1, true, 0, false or unset`);
}
