/**
 * Example: how a gateway wires the runtime (type-checked with the project; the reference gateway
 * comes with the gateway issue). Loads no cdktf.
 *
 *   node --import tsx examples/runtime-gateway/gateway.ts cdktf.out/routing-table.json
 */
import { createServer } from 'node:http';
import { FailoverController, HealthChecker, RegionRouter, RoutingTableStore } from '@taishanglaojun/infra/runtime';

const store = RoutingTableStore.fromFile(process.argv[2] ?? 'cdktf.out/routing-table.json'); // a bad table: every problem named
const health = new HealthChecker(store.current); // active probes + passive outlier detection
for (const region of store.current.regions) health.addTarget(region.id, `https://gateway.${region.id}.internal`);
const failover = new FailoverController(store.current); // region states, weights, gradual recovery
failover.attach(health);
const router = new RegionRouter(store.current, { trustedProxies: ['10.0.0.0/8'], health: failover });

const server = createServer((req, res) => {
  const userId = req.headers['x-user-id'];
  const decision = router.route({
    headers: req.headers,
    socketAddress: req.socket.remoteAddress,
    userId: typeof userId === 'string' ? userId : undefined,
  });
  res.statusCode = decision.kind === 'refused' ? 503 : 200; // a refusal, never a region of another zone
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(decision));
});

if (require.main === module) {
  health.start();
  server.listen(Number(process.env.PORT ?? 8080));
}
