/** QA defects of the config's input checks: each a bad case naming the path and what is allowed, and the good case at the boundary. */
import config from '../../regions.config';
import { ConfigValidationError, validateRegionsConfig } from '../../lib/config';

type Mutable = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const fresh = (): Mutable => structuredClone(config) as Mutable;
const region = (c: Mutable, id: string): Mutable => c.regions.find((r: Mutable) => r.id === id);

describe('values in error messages are printed safely (found by QA: a zero-width space printed as nothing)', () => {
  it('escapes invisible, bidirectional and control characters of a value as \\uXXXX', () => {
    const c = fresh();
    region(c, 'eu-west-2').id = 'eu-west-2\u200b';
    let message = '';
    try {
      validateRegionsConfig(c);
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigValidationError);
      message = (e as Error).message;
    }
    expect(message).toContain('regions[6].id: "eu-west-2\\u200b" ');
    expect(message).not.toMatch(/[\u200b\u202a-\u202e\u2066-\u2069\ufeff]/);
  });
});
