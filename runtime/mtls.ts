/**
 * Mutual TLS between the regions' gateways and services (设计: 跨区域加密, `SetupMTLS`): client
 * certificates required and verified, TLS 1.2 minimum, the design's three cipher suites. The policy
 * is one typed value ({@link MESH_TLS_POLICY}); `mtlsServerOptions` / `mtlsClientOptions` turn it and
 * PEM inputs into Node `tls` options. Pure (no I/O, no cdktf): the constructs in `lib/mesh`
 * re-export the same value with its Envoy and Go spellings.
 */
import { X509Certificate } from 'node:crypto';
import type { ConnectionOptions, SecureVersion, TlsOptions } from 'node:tls';

/** One cipher suite of the policy, in each naming its consumers use. */
export interface MeshCipherSuite {
  /** IANA / RFC name, e.g. `TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384`. */
  readonly iana: string;
  /** OpenSSL name (Node `ciphers`; Envoy/BoringSSL `cipher_suites` use the same spelling for TLS 1.2). */
  readonly openssl: string;
  /** Go `crypto/tls` constant name. */
  readonly go: string;
}

/** The mesh's TLS policy: what every gateway and service of the platform requires of a peer. */
export interface MeshTlsPolicy {
  /** Lowest protocol version accepted. */
  readonly minVersion: 'TLSv1.2';
  /** Highest protocol version offered. */
  readonly maxVersion: 'TLSv1.3';
  /** TLS 1.2 suites, in order of preference (the design's three). */
  readonly tls12CipherSuites: readonly MeshCipherSuite[];
  /** TLS 1.3 suites (OpenSSL names equal the IANA names); 256-bit and ChaCha only, like the 1.2 list. */
  readonly tls13CipherSuites: readonly string[];
  /** Peers must present a certificate that chains to the mesh CA. */
  readonly requireClientCertificate: true;
}

/** The platform's mesh TLS policy (the design's `SetupMTLS`, plus the TLS 1.3 suites of the same strength). */
export const MESH_TLS_POLICY: MeshTlsPolicy = Object.freeze({
  minVersion: 'TLSv1.2',
  maxVersion: 'TLSv1.3',
  tls12CipherSuites: Object.freeze([
    Object.freeze({
      iana: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
      openssl: 'ECDHE-RSA-AES256-GCM-SHA384',
      go: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
    }),
    Object.freeze({
      iana: 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
      openssl: 'ECDHE-RSA-CHACHA20-POLY1305',
      go: 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
    }),
    Object.freeze({
      iana: 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
      openssl: 'ECDHE-ECDSA-AES256-GCM-SHA384',
      go: 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
    }),
  ]),
  tls13CipherSuites: Object.freeze(['TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256']),
  requireClientCertificate: true,
}) as MeshTlsPolicy;

/** Every cipher name (OpenSSL spelling, as `tlsSocket.getCipher().name` reports it) the policy allows. */
export function allowedCipherNames(policy: MeshTlsPolicy = MESH_TLS_POLICY): string[] {
  return [...policy.tls12CipherSuites.map((s) => s.openssl), ...policy.tls13CipherSuites];
}

/** The PEM material of one mesh identity. */
export interface MtlsIdentity {
  /** PEM certificate of this gateway/service, optionally followed by its intermediate(s). */
  readonly certificatePem: string;
  /** PEM private key of the certificate. */
  readonly privateKeyPem: string;
  /** PEM CA certificate(s) a peer's certificate must chain to (the mesh roots). */
  readonly trustedCaPem: string;
}

/** A bad PEM input or policy: names the field, what was found and what is allowed. */
export class MtlsConfigError extends Error {
  override readonly name = 'MtlsConfigError';
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const PEM_KEY = /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/;

function describe(value: unknown): string {
  if (typeof value !== 'string') return value === undefined ? 'undefined' : typeof value;
  return value.length === 0 ? 'an empty string' : `${JSON.stringify(value.slice(0, 30))}${value.length > 30 ? '…' : ''}`;
}

function certificates(field: string, value: unknown): string[] {
  const found = typeof value === 'string' ? (value.match(PEM_CERT) ?? []) : [];
  if (found.length === 0)
    throw new MtlsConfigError(`${field}: ${describe(value)} is not allowed; allowed: one or more PEM "-----BEGIN CERTIFICATE-----" blocks`);
  found.forEach((pem, i) => {
    try {
      new X509Certificate(pem);
    } catch (e) {
      throw new MtlsConfigError(
        `${field}: certificate ${i + 1} cannot be parsed (${(e as Error).message}); allowed: X.509 certificates in PEM`,
      );
    }
  });
  return found;
}

function privateKey(field: string, value: unknown): string {
  const match = typeof value === 'string' ? PEM_KEY.exec(value) : null;
  if (!match)
    throw new MtlsConfigError(`${field}: ${describe(value)} is not allowed; allowed: one PEM "-----BEGIN PRIVATE KEY-----" block`);
  return match[0];
}

function common(identity: MtlsIdentity, policy: MeshTlsPolicy) {
  if (identity === null || typeof identity !== 'object')
    throw new MtlsConfigError(`identity: ${describe(identity)} is not allowed; allowed: { certificatePem, privateKeyPem, trustedCaPem }`);
  const cert = certificates('identity.certificatePem', identity.certificatePem).join('\n');
  const key = privateKey('identity.privateKeyPem', identity.privateKeyPem);
  const ca = certificates('identity.trustedCaPem', identity.trustedCaPem);
  return {
    cert,
    key,
    ca,
    minVersion: policy.minVersion as SecureVersion,
    maxVersion: policy.maxVersion as SecureVersion,
    // Node takes the TLS 1.3 suites and the TLS 1.2 ciphers in the one `ciphers` list.
    ciphers: allowedCipherNames(policy).join(':'),
    honorCipherOrder: true,
  };
}

/**
 * Node `tls.createServer` / `https.createServer` options for a mesh endpoint: presents the
 * identity, requires a client certificate that chains to `trustedCaPem` (not expired), TLS 1.2+,
 * only the policy's suites. A peer without a valid certificate fails the handshake.
 */
export function mtlsServerOptions(identity: MtlsIdentity, policy: MeshTlsPolicy = MESH_TLS_POLICY): TlsOptions {
  return { ...common(identity, policy), requestCert: true, rejectUnauthorized: true };
}

/**
 * Node `tls.connect` / undici `connect` options for calling a mesh endpoint: presents the identity,
 * verifies the server against `trustedCaPem` (and `servername` against its certificate), TLS 1.2+,
 * only the policy's suites.
 */
export function mtlsClientOptions(
  identity: MtlsIdentity,
  options: {
    /** Server name to verify the peer's certificate against (SNI). @default the host connected to */ readonly servername?: string;
  } = {},
  policy: MeshTlsPolicy = MESH_TLS_POLICY,
): ConnectionOptions {
  return { ...common(identity, policy), rejectUnauthorized: true, ...(options.servername ? { servername: options.servername } : {}) };
}
