/**
 * Failover: the pure planner (`failover-plan.ts`: weights, capacity, what-if) and the per-region
 * state machine (`failover-controller.ts`), re-exported together.
 */
export * from './failover-plan';
export * from './failover-streaks';
export * from './failover-controller';
