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
