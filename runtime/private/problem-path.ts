/**
 * Kept so that existing imports keep working while they move to the public `runtime/problem`
 * (the one problem model); new code imports from there.
 */
export { formatPath, valueAt } from '../problem';
