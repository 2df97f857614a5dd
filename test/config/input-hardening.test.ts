/** QA defects of the config's input checks: each a bad case naming the path and what is allowed, and the good case at the boundary. */
import { fresh, problemsOf, region, type Mutable } from '../helpers/config-mutations';
import { stateBackendFromEnv, STATE_ENV } from '../../lib/state-backend';
import { AWS_REGIONS } from '../../lib/config/aws-regions';
import { checkRegionsConfig, ConfigValidationError, DEFAULT_PRICES, validateRegionsConfig } from '../../lib/config';

const zoneIndex = (c: Mutable, id: string): number => c.residencyZones.findIndex((z: Mutable) => z.id === id);

/** `path: message` of every problem at `path`. */
function problemsAt(mutate: (c: Mutable) => void, path: string): string[] {
  return problemsOf(mutate)
    .filter((p) => p.path === path)
    .map((p) => `${p.path}: ${p.message}`);
}

/** Whether the config passes with `mutate` applied (its problems are thrown, to show in the test's failure). */
function accepted(mutate: (c: Mutable) => void): boolean {
  const c = fresh();
  mutate(c);
  const result = checkRegionsConfig(c);
  if (!result.ok) throw new Error(result.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  return true;
}

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

describe('a legal basis is a reason in words, by the rule of the compliance suppressions (found by QA: "xxxxxxxxxx" passed)', () => {
  const copyToNa = (reason: string) => (c: Mutable) => {
    c.residencyZones[zoneIndex(c, 'emea')].allowedCopyTo = [{ zone: 'na', reason }];
  };
  const withoutUsEast1 = (reason: string) => (c: Mutable) => {
    const r = region(c, 'us-east-1');
    r.id = 'us-east-2';
    r.availabilityZones = ['us-east-2a', 'us-east-2b', 'us-east-2c'];
    c.shards = undefined;
    c.globalServiceEvents = { region: 'eu-west-1', reason };
  };
  const allowed =
    'allowed: at least 20 visible characters (white space, control and invisible characters such as U+200B not counted) and at least 4 different words';

  it.each([
    ['ten meaningless characters', 'xxxxxxxxxx', '10 visible characters, 1 different word'],
    ['twenty of them', 'x'.repeat(20), '20 visible characters, 1 different word'],
    ['one word repeated', 'TODO TODO TODO TODO TODO', '20 visible characters, 1 different word'],
    ['three words', 'contractual clauses signed', '24 visible characters, 3 different words'],
  ])('refuses %s for a copy to another zone and for the global service events', (_what, reason, counted) => {
    expect(problemsAt(copyToNa(reason), 'residencyZones[1].allowedCopyTo[0].reason')).toEqual([
      `residencyZones[1].allowedCopyTo[0].reason: must say why in words (${counted}); ${allowed}`,
    ]);
    expect(problemsAt(withoutUsEast1(reason), 'globalServiceEvents.reason')).toEqual([
      `globalServiceEvents.reason: must say why in words (${counted}); ${allowed}`,
    ]);
  });

  it('accepts a reason at the boundary, 20 visible characters in 4 different words, and refuses one character less', () => {
    expect(accepted(copyToNa('Signed SCCs covers this'))).toBe(true); // 6 + 4 + 6 + 4 = 20
    // (us-east-2 has no price entry: only the field's own problems are looked at)
    expect(problemsOf(withoutUsEast1('audit metadata in the EU')).filter((p) => p.path.startsWith('globalServiceEvents'))).toEqual([]);
    expect(problemsAt(copyToNa('Signed SCCs cover this'), 'residencyZones[1].allowedCopyTo[0].reason')).toEqual([
      `residencyZones[1].allowedCopyTo[0].reason: must say why in words (19 visible characters, 4 different words); ${allowed}`,
    ]);
  });

  it('asks for a reason in words where one is missing', () => {
    const missing = problemsOf((c) => {
      withoutUsEast1('')(c);
      delete c.globalServiceEvents;
    }).find((p) => p.path === 'globalServiceEvents');
    expect(missing?.message).toMatch(/reason: "<why that zone may keep them, in words: at least 20 characters and 4 different words>"/);
  });
});

describe('residencyZones[].allowedCopyTo lists each zone once (found by QA: "na" twice, with two reasons)', () => {
  it('names the second entry with the index of the first', () => {
    const twice = (c: Mutable) => {
      c.residencyZones[zoneIndex(c, 'emea')].allowedCopyTo = [
        { zone: 'na', reason: 'Standard contractual clauses, signed 2026-01' },
        'emea',
        { zone: 'na', reason: 'Data privacy framework certification of the importer' },
      ];
    };
    expect(problemsOf(twice).filter((p) => p.path.startsWith('residencyZones[1].allowedCopyTo'))).toEqual([
      {
        path: 'residencyZones[1].allowedCopyTo[2]',
        value: { zone: 'na', reason: 'Data privacy framework certification of the importer' },
        message: 'lists zone "na" a second time (also residencyZones[1].allowedCopyTo[0]); allowed: each zone once, with one legal basis',
      },
    ]);
    const bareTwice = problemsAt(
      (c) => void (c.residencyZones[zoneIndex(c, 'apac')].allowedCopyTo = ['apac', 'apac']),
      'residencyZones[0].allowedCopyTo[1]',
    );
    expect(bareTwice).toEqual([
      'residencyZones[0].allowedCopyTo[1]: lists zone "apac" a second time (also residencyZones[0].allowedCopyTo[0]); allowed: each zone once, with one legal basis',
    ]);
  });

  it('accepts each zone once', () => {
    expect(
      accepted((c) => {
        c.residencyZones[zoneIndex(c, 'emea')].allowedCopyTo = [
          { zone: 'na', reason: 'Standard contractual clauses, signed 2026-01' },
          'emea',
        ];
      }),
    ).toBe(true);
  });
});

describe('regions[].capacity is a whole number of requests, at least one instance worth (found by QA: 0.001 made a one-node region)', () => {
  const allowed =
    "must be a whole number of requests from 100 to 1000000000: the requests the region absorbs at full load, at least one instance's worth (a node pool derived from it has one instance per 100 requests)";
  it.each([0.001, 0, -5, 99, 150.5, 2e9])('refuses %p, naming the field once', (capacity) => {
    expect(problemsOf((c) => void (region(c, 'ap-south-1').capacity = capacity)).filter((p) => p.path === 'regions[3].capacity')).toEqual([
      { path: 'regions[3].capacity', value: capacity, message: capacity > 1e9 ? 'must be <= 1000000000' : allowed },
    ]);
  });

  it('accepts the boundaries, 100 and 1e9 requests', () => {
    expect(accepted((c) => void (region(c, 'ap-south-1').capacity = 100))).toBe(true);
    // the largest capacity with a declared (small) pool: a derived one would not fit any network
    expect(
      accepted((c) =>
        Object.assign(region(c, 'ap-south-1'), {
          capacity: 1e9,
          reservedCapacity: { baselineCapacity: 40, reservedPercent: 0, instanceTypes: [] },
        }),
      ),
    ).toBe(true);
  });
});

describe('free text holds no control, bidirectional or invisible character (found by QA: they reached the pool descriptions)', () => {
  const allowed =
    'allowed: text without control, bidirectional or invisible characters (it reaches Cloudflare pool descriptions, tags and the routing table, where they would hide or reorder what a reader sees)';
  it.each([
    ['a newline', 'Dublin\nIreland', 'the control character U+000A (character 7)'],
    ['a NUL', 'Dublin\u0000', 'the control character U+0000 (character 7)'],
    ['a C1 control', 'Dub\u009blin', 'the control character U+009B (character 4)'],
    ['a right-to-left override', 'Dublin \u202eeniL', 'the bidirectional control character U+202E (character 8)'],
    ['a left-to-right embedding', '\u202aDublin', 'the bidirectional control character U+202A (character 1)'],
    ['a first-strong isolate', 'Dublin\u2068', 'the bidirectional control character U+2068 (character 7)'],
    ['a pop directional isolate', 'Dublin\u2069', 'the bidirectional control character U+2069 (character 7)'],
    ['a zero-width space', 'Dub\u200blin', 'the invisible character U+200B (character 4)'],
    ['a zero-width joiner', 'Dub\u200dlin', 'the invisible character U+200D (character 4)'],
    ['a byte order mark', '\ufeffDublin', 'the invisible character U+FEFF (character 1)'],
    ['a line separator', 'Dublin\u2028Ireland', 'the line separator U+2028 (character 7)'],
    ['a tag character after an astral one', '\u{1f1ee}\u{e0041}', 'the invisible character U+E0041 (character 2)'],
  ])('refuses %s in regions[].location, naming the field and the code', (_what, location, found) => {
    expect(problemsAt((c) => void (region(c, 'eu-west-1').location = location), 'regions[4].location')).toEqual([
      `regions[4].location: holds ${found}; ${allowed}`,
    ]);
  });

  it('refuses them in every string: a zone description, a reason, a price source, a record key', () => {
    const problems = problemsOf((c) => {
      c.residencyZones[zoneIndex(c, 'emea')].description = 'EU\u200b/EEA';
      c.residencyZones[zoneIndex(c, 'emea')].allowedCopyTo = [{ zone: 'na', reason: 'Standard contractual clauses\u202e signed 2026-01' }];
      c.prices = { ...structuredClone(DEFAULT_PRICES), source: 'AWS price list\r\n' };
      c.edge = { gatewayHosts: { 'eu-west-1\u2066': 'eu-west-1.gateway.taishanglaojun.com' } };
    }).map((p) => `${p.path}: ${p.message}`);
    expect(problems).toEqual(
      expect.arrayContaining([
        `residencyZones[1].description: holds the invisible character U+200B (character 3); ${allowed}`,
        `residencyZones[1].allowedCopyTo[0].reason: holds the bidirectional control character U+202E (character 29); ${allowed}`,
        `prices.source: holds the control character U+000D (character 15); ${allowed}`,
        `edge.gatewayHosts["eu-west-1\\u2066"]: is a key that holds the bidirectional control character U+2066 (character 10); ${allowed}`,
      ]),
    );
  });

  it('prints the refused value escaped', () => {
    const c = fresh();
    region(c, 'eu-west-1').location = 'Dublin \u202eeniL\u0000';
    expect(() => validateRegionsConfig(c)).toThrow(
      'regions[4].location: "Dublin \\u202eeniL\\u0000" holds the bidirectional control character U+202E',
    );
  });

  it('accepts letters of any script, accents and emoji without invisible joiners', () => {
    expect(
      accepted((c) => {
        region(c, 'eu-west-1').location = 'Dublin, Éire — 都柏林 (Baile Átha Cliath) 🇮🇪';
        c.residencyZones[zoneIndex(c, 'emea')].description = 'EU/EEA and the UK: São Paulo is not here, Zürich neither';
      }),
    ).toBe(true);
  });
});

describe('the S3 state backend takes the bucket names S3 takes, in a commercial region of the region table (found by QA)', () => {
  const s3 = (bucket: string, region = 'eu-west-1') =>
    stateBackendFromEnv({ [STATE_ENV.kind]: 's3', [STATE_ENV.bucket]: bucket, [STATE_ENV.region]: region });
  const reservedAllowed =
    'allowed: a name that starts with none of "xn--", "sthree-", "amzn-s3-demo-" and ends with none of "-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"';

  it.each([
    ['xn--state', 'the prefix "xn--"'],
    ['sthree-state', 'the prefix "sthree-"'],
    ['sthree-configurator-x', 'the prefix "sthree-"'],
    ['amzn-s3-demo-state', 'the prefix "amzn-s3-demo-"'],
    ['state-s3alias', 'the suffix "-s3alias"'],
    ['state--ol-s3', 'the suffix "--ol-s3"'],
    ['state.mrap', 'the suffix ".mrap"'],
    ['state--use1-az4--x-s3', 'the suffix "--x-s3"'],
    ['state--table-s3', 'the suffix "--table-s3"'],
  ])('refuses the bucket %p, naming the variable, the value and what is reserved', (bucket, what) => {
    expect(() => s3(bucket)).toThrow(
      `TAISHANGLAOJUN_STATE_BUCKET="${bucket}" is not a valid S3 bucket name: ${what} is reserved by S3; ${reservedAllowed}`,
    );
  });

  it('accepts a name that only contains those strings', () => {
    for (const bucket of ['my-xn--state', 'state-sthree-x', 'state-s3alias-1', 'state.mrap.example', 'x-s3-state'])
      expect(s3(bucket)).toMatchObject({ kind: 's3', bucket });
  });

  it.each([
    ['eu-west-9', 'not an AWS region the region table (lib/config/aws-regions.ts) knows'],
    ['cn-north-1', 'a region of the aws-cn partition, which the stacks do not deploy to'],
    ['us-gov-west-1', 'a region of the aws-us-gov partition, which the stacks do not deploy to'],
    ['eu-west-1\u200b', 'not an AWS region the region table (lib/config/aws-regions.ts) knows'],
  ])('refuses the region %p with the commercial regions of the table', (region, why) => {
    let message = '';
    try {
      s3('state-bucket', region);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(
      new RegExp(`^TAISHANGLAOJUN_STATE_REGION=".*" is not allowed: ${why.replace(/[().]/g, '\\$&')}; allowed: an AWS commercial region: `),
    );
    expect(message).toContain(`${JSON.stringify(region).replace('\u200b', '\\u200b')} is not allowed`);
    const allowed = message.slice(message.indexOf('region: ') + 'region: '.length).split(', ');
    expect(allowed).toEqual([...AWS_REGIONS.values()].filter((r) => r.partition === 'aws').map((r) => r.id));
    expect(allowed).toEqual(expect.arrayContaining(['us-east-1', 'eu-west-1', 'ap-east-1', 'af-south-1']));
    expect(allowed).not.toContain('cn-north-1');
  });

  it('accepts every commercial region of the table, opt-in ones included', () => {
    for (const info of AWS_REGIONS.values())
      if (info.partition === 'aws') expect(s3('state-bucket', info.id)).toMatchObject({ region: info.id });
  });
});

describe('the validated config cannot be changed after validation (found by QA: apiHost changed after it reached GlobalIngress)', () => {
  it('is frozen all the way down: a change throws in strict mode (this module is) and leaves it as validated', () => {
    const cfg = validateRegionsConfig(fresh()) as Mutable;
    const apiHost = cfg.project.apiHost;
    expect(() => {
      cfg.project.apiHost = '*.evil.example';
    }).toThrow(TypeError);
    expect(cfg.project.apiHost).toBe(apiHost);
    expect(() => cfg.regions.push({ id: 'eu-evil-1' })).toThrow(TypeError);
    expect(() => {
      cfg.regions[0].countries[0] = 'RU';
    }).toThrow(TypeError);
    expect(() => {
      cfg.regions[0].reservedCapacity.instanceTypes[0].count = 1e6;
    }).toThrow(TypeError);
    expect(() => {
      cfg.edge.gatewayHosts['eu-west-1'] = 'evil.example';
    }).toThrow(TypeError);
    expect(() => {
      delete cfg.residencyZones[0].allowedCopyTo;
    }).toThrow(TypeError);
    const frozen = (v: unknown): boolean =>
      v === null || typeof v !== 'object' ? true : Object.isFrozen(v) && Object.values(v).every(frozen);
    expect(frozen(cfg)).toBe(true);
    expect(checkRegionsConfig(fresh())).toMatchObject({ ok: true, config: expect.any(Object) });
    const checked = checkRegionsConfig(fresh());
    expect(checked.ok && frozen(checked.config)).toBe(true);
  });

  it('leaves the input the caller passed as it was (only the validated copy is frozen)', () => {
    const input = fresh();
    validateRegionsConfig(input);
    input.project.apiHost = 'api2.taishanglaojun.com';
    expect(input.project.apiHost).toBe('api2.taishanglaojun.com');
  });
});
