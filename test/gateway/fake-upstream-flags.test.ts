import { main } from '../../gateway/fake/upstream';
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
