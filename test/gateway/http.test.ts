/** The gateway's header copy: hop-by-hop headers and those named by Connection are never forwarded. */
import { endToEndHeaders } from '../../gateway/private/http';

test.each([
  ['keep-alive', { 'keep-alive': 'timeout=5', 'x-a': '1' }, { 'x-a': '1' }],
  ['Close', { 'x-a': '1' }, { 'x-a': '1' }],
  ['KEEP-ALIVE, x-secret', { 'x-secret': 's', 'x-a': '1' }, { 'x-a': '1' }],
  ['x-secret,  X-Other ', { 'x-secret': 's', 'x-other': 'o', 'x-a': '1' }, { 'x-a': '1' }],
  ['x-secret', { 'x-secret': 's', 'x-a': '1' }, { 'x-a': '1' }],
])('Connection: %s', (connection, rest, expected) => {
  expect(endToEndHeaders({ connection, 'transfer-encoding': 'chunked', te: 'trailers', upgrade: 'h2c', ...rest }, new Set())).toEqual(
    expected,
  );
});

test('an array Connection header and the skip set', () => {
  expect(
    endToEndHeaders({ connection: ['close', 'x-one'] as unknown as string, 'x-one': '1', host: 'h', 'x-two': '2' }, new Set(['host'])),
  ).toEqual({ 'x-two': '2' });
});
