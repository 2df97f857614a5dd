import { allowedNames, disallowedName, unknownName } from '../../runtime/private/unknown-name';
import { resolveStaticUpstreams } from '../../gateway/upstreams';

describe('the one wording for unknown and disallowed names', () => {
  it('names the kind, the value and the allowed names', () => {
    expect(unknownName('region', 'mars-1', ['eu-west-1', 'us-east-1'])).toBe('unknown region "mars-1"; allowed: eu-west-1, us-east-1');
    expect(unknownName('residency zone', undefined, new Set(['emea']).keys())).toBe('unknown residency zone; allowed: emea');
    expect(unknownName('region', 'x', [])).toBe('unknown region "x"; allowed: (none)');
  });

  it('gives a known but disallowed name its reason and the same list', () => {
    expect(disallowedName('is in zone "na"', ['eu-west-1'])).toBe('is in zone "na"; allowed: eu-west-1');
    expect(allowedNames([])).toBe('allowed: (none)');
  });

  it('is what the gateway says of an upstream for a region the routing table does not have', () => {
    expect(() =>
      resolveStaticUpstreams({ regions: ['eu-west-1', 'us-east-1'], overrides: { 'mars-1': 'http://127.0.0.1:1' }, optional: true }),
    ).toThrow('upstream: unknown region of the routing table "mars-1"; allowed: eu-west-1, us-east-1');
  });
});
