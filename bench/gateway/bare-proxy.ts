/**
 * The benchmark's baseline: a bare reverse proxy on the same HTTP stack as the gateway (Node
 * `http` server, one undici Pool with the gateway's pool settings, hop-by-hop headers stripped,
 * response streamed back with the gateway's `forwardBody`), with no routing, no metrics, no logs, one fixed upstream.
 *
 *   node bin/run-entry.js bench/gateway/bare-proxy --upstream http://127.0.0.1:9101 --port 0
 *   (or `node -r tsx/cjs bench/gateway/bare-proxy.ts …` from the sources)
 *
 * Prints {"event":"listening","port":N} once it listens.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool, type Dispatcher } from 'undici';
import { endToEndHeaders, forwardBody } from '../../gateway/private/http';
import { UPSTREAM_DEFAULTS } from '../../gateway/upstreams';

/** Starts the bare proxy with `args` (`--upstream URL [--port N]`). */
export function main(args: readonly string[]): void {
  const flag = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const upstream = flag('--upstream');
  if (upstream === undefined) {
    process.stderr.write('usage: bare-proxy --upstream URL [--port N]\n');
    process.exit(2);
  }
  const pool = new Pool(upstream, {
    connections: UPSTREAM_DEFAULTS.connections,
    connectTimeout: UPSTREAM_DEFAULTS.connectTimeoutMs,
    headersTimeout: UPSTREAM_DEFAULTS.headersTimeoutMs,
    bodyTimeout: UPSTREAM_DEFAULTS.bodyTimeoutMs,
    keepAliveTimeout: UPSTREAM_DEFAULTS.keepAliveTimeoutMs,
  });
  const skip = new Set(['host']);
  const server = createServer((req, res) => {
    pool
      .request({
        path: req.url ?? '/',
        method: req.method as Dispatcher.HttpMethod,
        headers: endToEndHeaders(req.headers, skip),
        body: req.method === 'GET' || req.method === 'HEAD' ? null : req,
      })
      .then(
        (data) => {
          res.writeHead(data.statusCode, endToEndHeaders(data.headers as Record<string, string | string[]>, new Set()));
          forwardBody(data.body, res, () => undefined);
        },
        () => {
          res.writeHead(502);
          res.end();
        },
      );
  });
  server.listen(Number(flag('--port') ?? '0'), '127.0.0.1', () => {
    process.stdout.write(`${JSON.stringify({ event: 'listening', port: (server.address() as AddressInfo).port })}\n`);
  });
  process.on('SIGTERM', () => {
    server.close();
    server.closeAllConnections();
    void pool.close().then(() => process.exit(0));
  });
}

if (require.main === module) main(process.argv.slice(2));
