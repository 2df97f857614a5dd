/** `taishanglaojun gateway` flags: each bad value is a usage error naming the flag, the value and what is allowed. */
import { parseGatewayFlags, UsageError } from '../../gateway/cli';

test.each([
  ['garbage', /--trusted-proxy: "garbage" is not allowed; allowed: an IPv4\/IPv6 address or CIDR/],
  ['10.0.0.0/33', /--trusted-proxy: "10.0.0.0\/33" is not allowed/],
  ['10.0.0.0/8,::1/129', /--trusted-proxy: "::1\/129" is not allowed/],
])('--trusted-proxy %s', (value, message) => {
  let error: unknown;
  try {
    parseGatewayFlags(['--trusted-proxy', value]);
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(UsageError);
  expect((error as Error).message).toMatch(message);
});

test('good trusted proxies, comma-separated and repeated', () => {
  expect(parseGatewayFlags(['--trusted-proxy', '10.0.0.0/8, 192.168.1.1', '--trusted-proxy', '2001:db8::/32']).trustedProxies).toEqual([
    '10.0.0.0/8',
    '192.168.1.1',
    '2001:db8::/32',
  ]);
});

test('an unknown flag is named with every allowed flag, in the one unknown-name wording', () => {
  expect(() => parseGatewayFlags(['--portt', '1'])).toThrow(
    /^unknown flag "--portt"; allowed: --[a-z-]+(, --[a-z-]+)*, --no-health-checks, --log-client-address$/,
  );
});
