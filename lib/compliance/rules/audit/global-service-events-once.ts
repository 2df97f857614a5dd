import type { ComplianceRule } from '../../rule';
import { isFalse, isTrue, mayBeFalse, resourcesOfType, show } from '../../view-helpers';

/** The region where AWS delivers global service events (IAM, STS, root, console sign-in) to single-region trails. */
export const GLOBAL_EVENTS_REGION = 'us-east-1';

/** IAM and STS events are recorded by exactly one trail: the us-east-1 one or a multi-region one (none loses them, two duplicate them). */
export const globalServiceEventsOnce: ComplianceRule = {
  id: 'TSLJ-AUD-4',
  area: 'audit',
  title: `Exactly one trail records global service events (IAM, STS, root, console sign-in): a trail in ${GLOBAL_EVENTS_REGION} or a multi-region trail`,
  fix: `set include_global_service_events = true on one trail only: the ${GLOBAL_EVENTS_REGION} one, or a multi-region trail elsewhere (Region does this: in ${GLOBAL_EVENTS_REGION}, else with globalServiceEvents: true, which ContinentStack sets on the config's first region when the config has no ${GLOBAL_EVENTS_REGION})`,
  resourceTypes: ['aws_cloudtrail'],
  check: (app) => {
    const trails = resourcesOfType(app, 'aws_cloudtrail');
    if (trails.length === 0) return [];
    const recording = trails.filter((t) => !isFalse(t.attributes.include_global_service_events));
    const findings = recording
      .filter((t) => t.region !== GLOBAL_EVENTS_REGION && !isTrue(t.attributes.is_multi_region_trail))
      .map((t) => ({
        path: t.path,
        reason: `records global service events in ${t.region ?? 'an unknown region'}, where a single-region trail receives none`,
      }));
    const inHome = recording.filter((t) => t.region === GLOBAL_EVENTS_REGION || isTrue(t.attributes.is_multi_region_trail));
    // "Some trail records them" needs one known to: a flag known only at apply may be off.
    const surely = inHome.filter((t) => !mayBeFalse(t.attributes.include_global_service_events));
    if (inHome.length > 0 && surely.length === 0)
      findings.push({
        path: inHome[0].path,
        reason: `include_global_service_events is ${show(inHome[0].attributes.include_global_service_events)}, known only at apply: no trail is known to record global service events`,
      });
    if (inHome.length === 0)
      findings.push({ path: trails[0].path, reason: `no trail records global service events: IAM and STS activity is audited nowhere` });
    if (inHome.length > 1)
      for (const t of inHome.slice(1)) findings.push({ path: t.path, reason: 'a second trail records global service events (duplicates)' });
    return findings;
  },
};
