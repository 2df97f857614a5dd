import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const bin = join(root, 'bin', 'taishanglaojun.js');
const table = join(root, 'test', 'fixtures', 'routing-table.json');
const tmp = mkdtempSync(join(tmpdir(), 'tslj-cli-'));

function run(args: string[], cwd = root) {
  const res = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}
const route = (...args: string[]) => run(['route', '--table', table, ...args]);

function expectUsageError(res: ReturnType<typeof run>, ...parts: string[]) {
  expect(res.code).toBe(2);
  expect(res.stdout).toBe('');
  for (const part of parts) expect(res.stderr).toContain(part);
  expect(res.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack trace
}

describe('taishanglaojun CLI', () => {
  it('route prints the decision as JSON, ignoring an out-of-zone preference', () => {
    const res = route('--country', 'DE', '--prefer', 'us-east-1', '--user', 'alice');
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out).toMatchObject({
      region: 'eu-central-1',
      reason: 'geo',
      zone: 'emea',
      ignoredPreference: { region: 'us-east-1', why: 'residency' },
      shard: { id: 'emea-01' },
      replica: { region: 'eu-central-1', reason: 'local-replica' },
    });
  });

  it('a flag given twice is a usage error naming both values (before: the last one won silently)', () => {
    expectUsageError(route('--country', 'DE', '--country', 'FR'), '--country: given twice ("DE", then "FR"); allowed: once');
    expectUsageError(
      run(['failover', '--table', table, '--down', 'eu-west-1', '--down=eu-west-2']),
      '--down: given twice ("eu-west-1", then "eu-west-2")',
    );
  });

  it('route applies --down and --load', () => {
    const res = route('--country', 'DE', '--down', 'eu-central-1', '--load', 'eu-west-1=0.9,eu-west-2=0.2');
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ region: 'eu-west-2', reason: 'score' });
  });

  it('route locates the country from --ip', () => {
    const res = route('--ip', '81.2.69.142');
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ region: 'eu-west-2', reason: 'geo', input: { country: 'GB', countrySource: 'ip' } });
  });

  it('route exits 3 with a JSON error when refused', () => {
    const res = route('--country', 'DE', '--down', 'eu-west-1,eu-central-1,eu-west-2');
    expect(res.code).toBe(3);
    expect(JSON.parse(res.stdout)).toMatchObject({ error: 'refused', reason: 'refused', code: 'no-healthy-region', zone: 'emea' });
  });

  it('failover prints weights per region and the capacity check', () => {
    // Fixture capacities: eu-west-1 10000, eu-central-1 and eu-west-2 5000 each; maxLoadFactor 0.8;
    // demand at the assumed 50 % utilisation = 10000. Without eu-west-1: 10000 left, 10000 > 8000.
    const res = run(['failover', '--down', 'eu-west-1', '--table', table]);
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out.down).toEqual(['eu-west-1']);
    expect(out.weights).toMatchObject({ 'eu-west-1': 0, 'eu-central-1': 50, 'eu-west-2': 50 });
    expect(out.capacityCheck.emea).toEqual({ demand: 10000, remainingCapacity: 10000, ok: false, regionsDown: ['eu-west-1'] });
    expect(out.capacityCheck.na).toMatchObject({ ok: true, regionsDown: [] });
    // Without eu-central-1 instead: 15000 left, 10000 <= 12000.
    const smaller = JSON.parse(run(['failover', '--down', 'EU-Central-1', '--table', table]).stdout);
    expect(smaller.capacityCheck.emea).toEqual({ demand: 10000, remainingCapacity: 15000, ok: true, regionsDown: ['eu-central-1'] });
    expect(smaller.weights).toMatchObject({ 'eu-west-1': 66.67, 'eu-central-1': 0, 'eu-west-2': 33.33 });
  });

  it("route reads from the shard's primary when the user lands in the primary's region", () => {
    const res = route('--country', 'DE', '--prefer', 'eu-west-1', '--user', 'alice');
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({
      region: 'eu-west-1',
      shard: { id: 'emea-01', primaryRegion: 'eu-west-1' },
      replica: { region: 'eu-west-1', role: 'primary', reason: 'local-primary' },
    });
  });

  it('--prefer is case-insensitive like the router', () => {
    const res = route('--country', 'de', '--prefer', ' EU-West-2 ');
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ region: 'eu-west-2', reason: 'preference', input: { country: 'DE' } });
  });

  it.each([
    [
      ['route', '--countr', 'DE'],
      ['--countr', 'unknown flag', '--country'],
    ],
    [
      ['route', '--country'],
      ['--country', 'missing value'],
    ],
    [
      ['route', '--country', 'DEU'],
      ['--country', '"DEU"', 'alpha-2'],
    ],
    [
      ['route', '--country', 'DE', '--prefer', 'eu-south-9'],
      ['--prefer', '"eu-south-9"', 'eu-west-1'],
    ],
    [
      ['route', '--country', 'DE', '--down', 'eu-west-1,,x'],
      ['--down', 'comma-separated'],
    ],
    [
      ['route', '--country', 'DE', '--load', 'eu-west-1=abc'],
      ['--load', '"eu-west-1=abc"', 'number from 0 to'],
    ],
    [
      ['route', '--country', 'DE', '--load', 'eu-west-1=-0.5'],
      ['--load', 'number from 0 to'],
    ],
    [
      ['route', '--country', 'DE', '--load', 'eu-west-1'],
      ['--load', 'REGION='],
    ],
    [
      ['failover', '--down', 'eu-west-1', '--load', 'eu-central-1=0.1,eu-central-1=5'],
      ['--load', '"eu-central-1=5"', 'eu-central-1 is given twice; allowed: each region once'],
    ],
    [
      ['route', '--country', 'DE', '--load', 'eu-west-1=0x10'],
      ['--load', '"eu-west-1=0x10"', 'decimal number from 0 to'],
    ],
    [
      ['route', '--country', 'DE', '--latency', 'eu-west-1=Infinity'],
      ['--latency', '"eu-west-1=Infinity"', 'decimal number from 0 to'],
    ],
    [
      ['route', '--country', 'DE', '--load', 'mars-1=0.5'],
      ['--load', '"mars-1"', 'unknown region'],
    ],
    [
      ['route', '--country', 'ZZ'],
      ['--country', '"ZZ"', 'not an ISO 3166-1 alpha-2 country code in use'],
    ],
    [
      ['route', '--country', 'UK'],
      ['--country', '"UK"', 'not an ISO 3166-1 alpha-2 country code in use'],
    ],
    [
      ['route', '--ip', '300.1.1.1'],
      ['--ip', '"300.1.1.1"', 'IPv4 or IPv6'],
    ],
    [
      ['route', '--ip', 'fe80::1%eth0'],
      ['--ip', '"fe80::1%eth0"', 'no zone id'],
    ],
    [
      ['route', '--prefer', 'x'.repeat(5000)],
      ['--prefer', '"xxxxxxxx', '...'],
    ],
    [
      ['route', '--zone', 'mars'],
      ['--zone', '"mars"', 'apac'],
    ],
    [['failover'], ['--down', 'required']],
    [['teleport'], ['command', '"teleport"', 'route, failover']],
    [[], ['command', 'missing']],
    [['route', 'DE'], ['unexpected argument']],
  ])('rejects bad arguments %j with exit 2', (args, parts) => {
    const withTable = args.length > 0 && ['route', 'failover'].includes(args[0]) ? [...args, '--table', table] : args;
    // put --table before a dangling flag so "--country" stays the last (value-less) argument
    const ordered = args[args.length - 1] === '--country' ? ['route', '--table', table, '--country'] : withTable;
    const res = run(ordered);
    expectUsageError(res, ...parts);
    expect(res.stderr.split('\n')[0].length).toBeLessThan(600); // a long value is cut, not echoed whole
  });

  it('refuses an empty --table (it read the working directory as the table)', () => {
    expectUsageError(run(['route', '--country', 'DE', '--table', '']), '--table', 'an empty value is not allowed');
  });

  it('explains a missing default table and an invalid table, exit 2', () => {
    const missing = run(['route', '--country', 'DE'], tmp);
    expectUsageError(missing, 'cdktf.out/routing-table.json', 'file not found', 'run `npm run synth`');
    expect(missing.stderr).not.toContain('cdktf synth');
    const bad = join(tmp, 'bad.json');
    writeFileSync(bad, JSON.stringify({ schemaVersion: 1, regions: [] }));
    expectUsageError(run(['route', '--country', 'DE', '--table', bad]), bad, 'regions');
    const notJson = join(tmp, 'not.json');
    writeFileSync(notJson, 'nope');
    expectUsageError(run(['failover', '--down', 'eu-west-1', '--table', notJson]), 'not valid JSON');
  });

  it('help and the unknown-command message name every command the bin runs, servers included (before: no gateway)', () => {
    const bin = require('node:fs').readFileSync(join(root, 'bin', 'taishanglaojun.js'), 'utf8') as string;
    const entries = Object.keys(
      JSON.parse(
        `{${/const ENTRIES = \{(.*)\};/
          .exec(bin)![1]
          .replace(/'/g, '"')
          .replace(/(\w+):/g, '"$1":')}}`,
      ),
    );
    expect(entries).toEqual(['gateway', 'fake-upstreams']);
    const help = run(['help']).stdout;
    const unknown = run(['nosuch']).stderr;
    for (const name of entries) {
      expect(help).toContain(`taishanglaojun ${name} [flags]`);
      expect(unknown).toContain(`allowed: route, failover, cost, gateway, fake-upstreams, help`);
    }
  });

  it('prints usage for help: every command with its flags', () => {
    const res = run(['help']);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('taishanglaojun route');
    expect(res.stdout).toContain('taishanglaojun failover');
    expect(res.stdout).toContain('--latency R=MS');
    const one = run(['failover', '--help']);
    expect(one.code).toBe(0);
    expect(one.stdout).toContain('taishanglaojun failover');
    expect(one.stdout).not.toContain('taishanglaojun route');
    for (const server of ['gateway', 'fake-upstreams']) {
      const usage = run([server, '--help']);
      expect(usage.code).toBe(0);
      expect(usage.stdout).toContain(`taishanglaojun ${server} `);
      expect(usage.stderr).toBe('');
    }
  });

  it("help COMMAND prints that command's usage; an unknown or second name is a usage error (before: ignored)", () => {
    const one = run(['help', 'cost']);
    expect(one.code).toBe(0);
    expect(one.stdout).toContain('taishanglaojun cost --profile FILE');
    expect(one.stdout).not.toContain('taishanglaojun route');
    expectUsageError(run(['help', 'nosuch']), 'help: "nosuch" is not valid; unknown command', 'allowed: route, failover');
    expectUsageError(run(['help', 'route', 'cost']), 'takes at most one command name');
  });

  it('a load factor or latency beyond its range is a usage error naming the flag (before: 1e308 was an "internal error", exit 1)', () => {
    expectUsageError(run(['failover', '--table', table, '--down', 'eu-west-1', '--load', 'eu-west-2=1e308']), '--load', 'from 0 to 1000');
    expectUsageError(route('--country', 'DE', '--latency', 'eu-west-1=1e12'), '--latency', 'from 0 to 3600000');
    expect(route('--country', 'DE', '--load', 'eu-west-1=1000').code).toBe(0);
  });

  it('--zone is read as the router reads zone ids (lower-case; before: "EMEA" was unknown)', () => {
    const res = route('--country', 'US', '--zone', ' EMEA ', '--user', 'alice');
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ zone: 'emea', zoneSource: 'explicit' });
  });

  it('a full disk or a closed pipe on stdout ends with a message or quietly, never a stack trace (before: "Unhandled \'error\' event")', () => {
    const { existsSync } = require('node:fs') as typeof import('node:fs');
    if (existsSync('/dev/full')) {
      const full = spawnSync('sh', ['-c', `"${process.execPath}" "${bin}" route --table "${table}" --country DE > /dev/full`], {
        encoding: 'utf8',
      });
      expect(full.status).toBe(1);
      expect(full.stderr).toBe('taishanglaojun: cannot write to standard output: ENOSPC\n');
    } else {
      console.warn('SKIPPED: /dev/full is not on this machine: the full-disk case was not checked');
    }
    // The reader is gone before the help text is written.
    const closed = spawnSync('sh', ['-c', `(sleep 0.3; "${process.execPath}" "${bin}" help; echo "exit $?" >&2) | true`], {
      encoding: 'utf8',
    });
    expect(closed.stderr).toBe('exit 0\n');
  });
});
