import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import * as tls from 'node:tls';
import { MESH_TLS_POLICY, MtlsConfigError, allowedCipherNames, mtlsClientOptions, mtlsServerOptions } from '../../runtime/mtls';
import { createCa, issueLeaf, type IssuedCertificate } from '../helpers/pki';

interface Outcome {
  readonly ok: boolean;
  readonly cipher?: string;
  readonly protocol?: string | null;
  readonly serverSawPeer?: string;
  readonly error?: string;
  /** Why the server refused the client (its `tlsClientError`), when it did. */
  readonly serverError?: string;
}

let meshCa: IssuedCertificate;
let otherCa: IssuedCertificate;
let serverEcdsa: IssuedCertificate;
let serverRsa: IssuedCertificate;
let client: IssuedCertificate;
let clientOfOtherCa: IssuedCertificate;
let expiredClient: IssuedCertificate;

beforeAll(async () => {
  meshCa = await createCa('mesh-root-apac');
  otherCa = await createCa('someone-else');
  serverEcdsa = await issueLeaf(meshCa, 'localhost');
  serverRsa = await issueLeaf(meshCa, 'localhost', { kind: 'rsa' });
  client = await issueLeaf(meshCa, 'gateway.ap-east-1.mesh');
  clientOfOtherCa = await issueLeaf(otherCa, 'gateway.ap-east-1.mesh');
  expiredClient = await issueLeaf(meshCa, 'gateway.ap-east-1.mesh', {
    notBefore: new Date(Date.now() - 10 * 86_400_000),
    notAfter: new Date(Date.now() - 86_400_000),
  });
});

const identity = (leaf: IssuedCertificate, ca: IssuedCertificate = meshCa) => ({
  certificatePem: leaf.certificatePem,
  privateKeyPem: leaf.privateKeyPem,
  trustedCaPem: ca.certificatePem,
});

/** Runs one handshake on loopback: a mesh server, a client with the given options; reports what both saw. */
async function handshake(server: IssuedCertificate, clientOptions: tls.ConnectionOptions): Promise<Outcome> {
  let serverSawPeer: string | undefined;
  let serverError: string | undefined;
  const srv = tls.createServer(mtlsServerOptions(identity(server)), (socket) => {
    serverSawPeer = String(socket.getPeerCertificate().subject?.CN);
    socket.end('hello');
  });
  srv.on('tlsClientError', (e: NodeJS.ErrnoException) => (serverError = `${e.code ?? ''} ${e.message}`));
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address() as AddressInfo;
  try {
    return await new Promise<Outcome>((resolve) => {
      const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ...clientOptions });
      let settled = false;
      const finish = (o: Outcome) => {
        if (settled) return;
        settled = true;
        socket.destroy();
        resolve(o);
      };
      const refused = (error: string) => setTimeout(() => finish({ ok: false, error, serverError }), 20); // let the server's verdict arrive
      socket.on('error', (e) => refused(`${(e as NodeJS.ErrnoException).code ?? ''} ${e.message}`));
      // With TLS 1.3 the server's verdict on the client certificate arrives after the client's
      // handshake completes: success is the application data coming back, not `secureConnect`.
      socket.on('data', () => finish({ ok: true, cipher: socket.getCipher().name, protocol: socket.getProtocol(), serverSawPeer }));
      socket.on('end', () => refused('closed without data'));
    });
  } finally {
    srv.close();
  }
}

describe('MESH_TLS_POLICY', () => {
  it("is the design's SetupMTLS: TLS 1.2 minimum, client certificates required, its three suites", () => {
    expect(MESH_TLS_POLICY.minVersion).toBe('TLSv1.2');
    expect(MESH_TLS_POLICY.requireClientCertificate).toBe(true);
    expect(MESH_TLS_POLICY.tls12CipherSuites.map((s) => s.go)).toEqual([
      'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
      'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
      'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
    ]);
  });

  it('names only suites this Node/OpenSSL knows', () => {
    const known = new Set(tls.getCiphers().map((c) => c.toUpperCase()));
    for (const name of allowedCipherNames()) expect(known.has(name.toUpperCase())).toBe(true);
  });
});

describe('mtlsServerOptions / mtlsClientOptions: real handshakes on loopback', () => {
  it('accepts a client whose certificate comes from the mesh CA; the cipher is one of the policy’s', async () => {
    const o = await handshake(serverEcdsa, mtlsClientOptions(identity(client), { servername: 'localhost' }));
    expect(o).toMatchObject({ ok: true, serverSawPeer: 'gateway.ap-east-1.mesh' });
    expect(allowedCipherNames()).toContain(o.cipher);
  });

  it.each([
    ['ECDSA', () => serverEcdsa, 'ECDHE-ECDSA-AES256-GCM-SHA384'],
    ['RSA', () => serverRsa, 'ECDHE-RSA-AES256-GCM-SHA384'],
  ])('negotiates the policy’s TLS 1.2 suite for an %s server certificate', async (_kind, server, expected) => {
    const o = await handshake(server(), { ...mtlsClientOptions(identity(client)), maxVersion: 'TLSv1.2' });
    expect(o).toMatchObject({ ok: true, protocol: 'TLSv1.2', cipher: expected });
  });

  it('rejects a client without a certificate', async () => {
    const o = await handshake(serverEcdsa, { ca: meshCa.certificatePem, rejectUnauthorized: true });
    expect(o.ok).toBe(false);
    expect(o.error).toMatch(/CERTIFICATE_REQUIRED/);
    expect(o.serverError).toMatch(/peer did not return a certificate/i);
  });

  it('rejects a client whose certificate comes from another CA', async () => {
    const o = await handshake(serverEcdsa, mtlsClientOptions({ ...identity(clientOfOtherCa), trustedCaPem: meshCa.certificatePem }));
    expect(o.ok).toBe(false);
    // Node's server drops a TLS 1.3 peer that fails verification without naming the reason; this
    // client differs from the accepted one only by its issuer, so the issuer is what was refused.
    expect(o.serverSawPeer).toBeUndefined();
  });

  it('rejects an expired client certificate', async () => {
    const o = await handshake(serverEcdsa, mtlsClientOptions(identity(expiredClient)));
    expect(o.ok).toBe(false);
    expect(o.serverSawPeer).toBeUndefined(); // differs from the accepted client only by its dates
    expect(expiredClient.cert.notAfter.getTime()).toBeLessThan(Date.now());
    expect(expiredClient.cert.issuer).toBe(client.cert.issuer);
  });

  it('rejects TLS 1.1 even from a client with a valid certificate', async () => {
    const o = await handshake(serverEcdsa, {
      ...mtlsClientOptions(identity(client)),
      minVersion: 'TLSv1',
      maxVersion: 'TLSv1.1',
      ciphers: 'DEFAULT:@SECLEVEL=0', // let this client offer TLS 1.1 at all
    });
    expect(o.ok).toBe(false);
    expect(o.error).toMatch(/ALERT_PROTOCOL_VERSION/);
    expect(o.serverError).toMatch(/unsupported protocol/i);
  });

  it('rejects a TLS 1.2 client that offers only suites outside the policy', async () => {
    const o = await handshake(serverRsa, {
      ...mtlsClientOptions(identity(client)),
      maxVersion: 'TLSv1.2',
      ciphers: 'ECDHE-RSA-AES128-GCM-SHA256',
    });
    expect(o.ok).toBe(false);
    expect(o.error).toMatch(/ALERT_HANDSHAKE_FAILURE/);
    expect(o.serverError).toMatch(/no shared cipher/i);
  });

  it('rejects a TLS 1.3 client that offers only a suite outside the policy (AES-128)', async () => {
    const o = await handshake(serverEcdsa, {
      ...mtlsClientOptions(identity(client)),
      minVersion: 'TLSv1.3',
      ciphers: 'TLS_AES_128_GCM_SHA256',
    });
    expect(o.ok).toBe(false);
    expect(o.serverError).toMatch(/no shared cipher/i);
  });

  it('negotiates TLS 1.3 with the policy’s first suite by default', async () => {
    const o = await handshake(serverRsa, mtlsClientOptions(identity(client)));
    expect(o).toMatchObject({ ok: true, protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' });
  });

  it('a client refuses a server whose certificate comes from another CA', async () => {
    const foreignServer = await issueLeaf(otherCa, 'localhost');
    // the server trusts our CA for clients but presents a certificate of another CA
    const o = await handshake({ ...foreignServer }, mtlsClientOptions(identity(client)));
    expect(o.ok).toBe(false);
    expect(o.error).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
  });
});

describe('bad PEM inputs are named', () => {
  it.each([
    [{ certificatePem: '', privateKeyPem: 'x', trustedCaPem: 'y' }, /identity\.certificatePem: an empty string is not allowed/],
    [
      { certificatePem: 'nope', privateKeyPem: 'x', trustedCaPem: 'y' },
      /identity\.certificatePem: "nope" is not allowed; allowed: one or more PEM/,
    ],
  ])('%j', (input, message) => {
    expect(() => mtlsServerOptions(input)).toThrow(MtlsConfigError);
    expect(() => mtlsServerOptions(input)).toThrow(message);
  });

  it('names a missing key and a missing CA', () => {
    expect(() => mtlsClientOptions({ ...identity(client), privateKeyPem: undefined as unknown as string })).toThrow(
      /identity\.privateKeyPem: undefined is not allowed/,
    );
    expect(() => mtlsClientOptions({ ...identity(client), trustedCaPem: 'CA' })).toThrow(/identity\.trustedCaPem: "CA" is not allowed/);
  });

  it('names a corrupt certificate', () => {
    const corrupt = client.certificatePem.replace(/[A-Za-z]{20}/, 'A'.repeat(20));
    expect(() => mtlsServerOptions({ ...identity(client), certificatePem: corrupt })).toThrow(
      /identity\.certificatePem: certificate 1 cannot be parsed/,
    );
  });
});
