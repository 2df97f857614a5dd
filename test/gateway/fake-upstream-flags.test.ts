import { main } from '../../gateway/fake/upstream';
import { main as upstreamsMain } from '../../gateway/fake/upstreams';
import { REGION_ID } from '../../runtime/ids';

describe('fake upstream --region', () => {
  it.each(['EU-west-1', 'eu-west', 'euwest1', ''])('refuses %j, as the routing table does (exit 2, usage on stderr)', async (region) => {
    expect(REGION_ID.pattern.test(region)).toBe(false);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await expect(main(['--region', region, '--port', '0'])).resolves.toBe(2);
      expect(stderr).toHaveBeenCalledWith(expect.stringContaining('REGION a region id such as eu-west-1'));
    } finally {
      stderr.mockRestore();
    }
  });
});

describe('fake-upstreams flags: every bad one refused before any upstream starts (exit 2, the flag named)', () => {
  it.each([
    [['--base-port'], /^fake-upstreams: --base-port: missing value\n/],
    [['--base-port', '19300', '--base-port', '19400'], /^fake-upstreams: --base-port: given twice; allowed: once\n/],
    [['--base-port', '80'], /^fake-upstreams: --base-port "80" is not allowed; allowed: an integer 1024..65000\n/],
    [['--table', ''], /^fake-upstreams: --table: an empty value is not allowed\n/],
    [
      ['--out', '/nonexistent/dir/x.json'],
      /^fake-upstreams: --out "\/nonexistent\/dir\/x.json" is not allowed: the folder \/nonexistent\/dir does not exist/,
    ],
    [['--out', '/tmp'], /^fake-upstreams: --out "\/tmp" is a directory; allowed: a file path\n/],
    [['stray'], /^fake-upstreams: unknown argument "stray"; allowed: --table, --base-port, --out\n/],
  ])(
    '%j (before: a missing value used 9100, a repeat kept the first, a missing folder was an internal error after the start)',
    async (argv, message) => {
      const writes: string[] = [];
      const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
        writes.push(String(chunk));
        return true;
      });
      try {
        await expect(upstreamsMain(argv)).resolves.toBe(2);
        expect(writes.join('')).toMatch(message);
      } finally {
        stderr.mockRestore();
      }
    },
  );
});

describe('fake-upstreams --out that is not a regular file', () => {
  it('refuses a FIFO before any upstream starts (writing to it blocked forever after all had started)', async () => {
    const { execFileSync } = await import('node:child_process');
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'fake-out-'));
    const fifo = join(dir, 'out.fifo');
    execFileSync('mkfifo', [fifo]);
    const writes: string[] = [];
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      writes.push(String(chunk));
      return true;
    });
    try {
      await expect(upstreamsMain(['--out', fifo])).resolves.toBe(2);
      expect(writes.join('')).toContain(
        `fake-upstreams: --out ${JSON.stringify(fifo)} is not a regular file (a FIFO, device or socket); allowed: a file path`,
      );
    } finally {
      stderr.mockRestore();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('fake-upstreams while it runs', () => {
  it('reports a child that dies (its region, url and signal) and keeps the others serving', async () => {
    const { spawn } = await import('node:child_process');
    const { join } = await import('node:path');
    const bin = join(__dirname, '..', '..', 'bin', 'taishanglaojun.js');
    const table = join(__dirname, '..', 'fixtures', 'routing-table.json');
    const proc = spawn(process.execPath, [bin, 'fake-upstreams', '--table', table, '--base-port', '19710'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const until = async (what: string, check: () => boolean) => {
      for (const deadline = Date.now() + 30_000; !check(); await new Promise((r) => setTimeout(r, 50)))
        if (Date.now() > deadline) throw new Error(`not within 30 s: ${what}\n${stdout}\n${stderr}`);
    };
    try {
      await until('the upstreams listed', () => stdout.includes('"event":"fake-upstreams"'));
      const started = JSON.parse(stdout.split('\n')[0]) as { upstreams: Record<string, string>; pids: Record<string, number> };
      const [victim, survivor] = Object.keys(started.upstreams);
      expect(Object.keys(started.pids)).toEqual(Object.keys(started.upstreams));
      process.kill(started.pids[victim], 'SIGKILL');
      await until('the death reported', () => stderr.includes('upstream-exited'));
      expect(JSON.parse(stderr.trim().split('\n').pop()!)).toEqual({
        event: 'upstream-exited',
        region: victim,
        url: started.upstreams[victim],
        code: null,
        signal: 'SIGKILL',
      });
      const answer = await fetch(`${started.upstreams[survivor]}/v1/x`);
      expect(((await answer.json()) as { region: string }).region).toBe(survivor);
      expect(proc.exitCode).toBeNull();
    } finally {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
    }
    expect(proc.exitCode).toBe(0);
    expect(stderr.match(/upstream-exited/g)).toHaveLength(1); // the stop of the others is not reported
  }, 60_000);

  it('its children go when it is killed outright (before: they stayed, orphaned, on their ports)', async () => {
    const { spawn } = await import('node:child_process');
    const { join } = await import('node:path');
    const bin = join(__dirname, '..', '..', 'bin', 'taishanglaojun.js');
    const table = join(__dirname, '..', 'fixtures', 'routing-table.json');
    const proc = spawn(process.execPath, [bin, 'fake-upstreams', '--table', table, '--base-port', '19730'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let stdout = '';
    proc.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    for (const deadline = Date.now() + 30_000; !stdout.includes('"event":"fake-upstreams"'); await new Promise((r) => setTimeout(r, 50)))
      if (Date.now() > deadline) throw new Error(`not started: ${stdout}`);
    const pids = Object.values((JSON.parse(stdout.split('\n')[0]) as { pids: Record<string, number> }).pids);
    expect(pids.every(alive)).toBe(true);
    proc.kill('SIGKILL');
    for (const deadline = Date.now() + 10_000; pids.some(alive); await new Promise((r) => setTimeout(r, 100)))
      if (Date.now() > deadline) {
        for (const pid of pids.filter(alive)) process.kill(pid, 'SIGKILL');
        throw new Error('children still running 10 s after their parent was killed');
      }
  }, 60_000);
});
