/**
 * Example: how a gateway wires the runtime (type-checked with the project; the reference gateway
 * is `gateway/`). Loads no cdktf.
 *
 *   node --import tsx examples/runtime-gateway/gateway.ts cdktf.out/routing-table.json
 */
import { createServer } from 'node:http';
import { RoutingRuntime, RoutingTableStore } from '@taishanglaojun/infra/runtime';

const store = RoutingTableStore.fromFile(process.argv[2] ?? 'cdktf.out/routing-table.json'); // a bad table: every problem named
// Failover controller + active probes + passive outlier detection + router, swapped together on reload.
const runtime = new RoutingRuntime(store.current, { router: { trustedProxies: ['10.0.0.0/8'] } });
for (const region of store.current.regions) runtime.addTarget(region.id, `https://gateway.${region.id}.internal`);
store.on('updated', ({ table }) => runtime.reload(table)); // region state kept for regions that still exist

const server = createServer((req, res) => {
  const started = performance.now();
  const userId = req.headers['x-user-id'];
  // No residencyZone here: the router reads no zone from the headers, so a user from a country the
  // table does not map is refused. A real gateway passes the zone from its auth layer, as gateway/
  // does with `x-residency-zone`: residencyZone: req.headers['x-residency-zone'].
  const decision = runtime.route({
    headers: req.headers,
    socketAddress: req.socket.remoteAddress,
    userId: typeof userId === 'string' ? userId : undefined,
  });
  res.statusCode = decision.kind === 'refused' ? 503 : 200; // a refusal, never a region of another zone
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(decision));
  // A real gateway records the upstream's answer here (passive outlier detection, O(1) per request).
  if (decision.kind === 'routed') runtime.recordResult(decision.region, { ok: true, latencyMs: performance.now() - started });
});

if (require.main === module) {
  runtime.start();
  server.listen(Number(process.env.PORT ?? 8080));
}
