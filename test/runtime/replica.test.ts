import { chooseReplica, type ReplicaShard } from '../../runtime/replica';

const shard: ReplicaShard = {
  id: 'emea-01',
  residencyZone: 'emea',
  primary: { region: 'eu-west-1', endpoint: 'db-euw1:5432' },
  replicas: [
    { region: 'eu-central-1', endpoint: 'db-euc1:5432' },
    { region: 'eu-west-2', endpoint: 'db-euw2:5432' },
  ],
};
const zones: Record<string, string> = { 'eu-west-1': 'emea', 'eu-central-1': 'emea', 'eu-west-2': 'emea', 'us-east-1': 'na' };
const zoneOf = (r: string) => zones[r];

describe('chooseReplica', () => {
  it('prefers a healthy replica in the caller region', () => {
    const choice = chooseReplica(shard, { callerRegion: 'eu-west-2', latencyMs: { 'eu-central-1': 1, 'eu-west-2': 50 }, zoneOf });
    expect(choice).toMatchObject({ region: 'eu-west-2', endpoint: 'db-euw2:5432', role: 'replica', reason: 'local-replica' });
  });

  it("reads from the primary when the caller is in the primary's region (the nearest copy)", () => {
    const latencyMs = { 'eu-central-1': 1, 'eu-west-2': 2 };
    expect(chooseReplica(shard, { callerRegion: 'eu-west-1', latencyMs, zoneOf })).toEqual({
      region: 'eu-west-1',
      endpoint: 'db-euw1:5432',
      role: 'primary',
      reason: 'local-primary',
      detail: "healthy primary of shard emea-01 in the caller's region eu-west-1 (the nearest copy)",
    });
    // an unhealthy local primary: the nearest healthy replica
    expect(chooseReplica(shard, { callerRegion: 'eu-west-1', latencyMs, zoneOf, isHealthy: (r) => r !== 'eu-west-1' })).toMatchObject({
      region: 'eu-central-1',
      role: 'replica',
      reason: 'nearest-replica',
    });
  });

  it('else the lowest-latency healthy replica in the zone', () => {
    const latencyMs = new Map([
      ['eu-central-1', 30],
      ['eu-west-2', 12],
    ]);
    expect(chooseReplica(shard, { callerRegion: 'eu-south-2', latencyMs, zoneOf })).toMatchObject({
      region: 'eu-west-2',
      reason: 'nearest-replica',
    });
    expect(chooseReplica(shard, { callerRegion: 'eu-south-2', latencyMs, zoneOf, isHealthy: (r) => r !== 'eu-west-2' })).toMatchObject({
      region: 'eu-central-1',
      reason: 'nearest-replica',
    });
    // the caller-region replica is unhealthy: falls to the nearest other one
    expect(chooseReplica(shard, { callerRegion: 'eu-west-2', latencyMs, zoneOf, isHealthy: (r) => r !== 'eu-west-2' })).toMatchObject({
      region: 'eu-central-1',
      reason: 'nearest-replica',
    });
  });

  it('breaks ties and missing latencies by region id so every gateway agrees', () => {
    expect(chooseReplica(shard, { callerRegion: 'eu-south-2' })).toMatchObject({ region: 'eu-central-1', reason: 'nearest-replica' });
    expect(chooseReplica(shard, { callerRegion: 'eu-south-2', latencyMs: { 'eu-west-2': 5 } })).toMatchObject({ region: 'eu-west-2' });
  });

  it('else the primary, saying whether it is healthy', () => {
    const none = chooseReplica(shard, { callerRegion: 'eu-south-2', isHealthy: (r) => r === 'eu-west-1' });
    expect(none).toMatchObject({ region: 'eu-west-1', endpoint: 'db-euw1:5432', role: 'primary', reason: 'primary' });
    expect(none.detail).toContain('(healthy)');
    expect(chooseReplica(shard, { callerRegion: 'eu-west-1', isHealthy: () => false }).detail).toContain('UNHEALTHY');
    expect(chooseReplica(shard, { callerRegion: 'eu-west-1', isHealthy: () => false }).reason).toBe('primary');
  });

  it('does not pick an out-of-zone replica unless it is in the caller region', () => {
    const wide: ReplicaShard = { ...shard, replicas: [{ region: 'us-east-1', endpoint: 'db-use1' }] };
    expect(chooseReplica(wide, { callerRegion: 'eu-central-1', zoneOf, latencyMs: { 'us-east-1': 1 } })).toMatchObject({
      reason: 'primary',
      region: 'eu-west-1',
    });
    expect(chooseReplica(wide, { callerRegion: 'us-east-1', zoneOf })).toMatchObject({ reason: 'local-replica', region: 'us-east-1' });
  });
});
