/**
 * A throw-away PKI for mTLS tests: CAs and leaf certificates generated in-process with
 * @peculiar/x509 over Node's WebCrypto (no files, no openssl).
 */
// @peculiar/x509 resolves its services through tsyringe, which needs the Reflect metadata API.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

type CryptoKeyPair = webcrypto.CryptoKeyPair;
type Algorithm = webcrypto.Algorithm;
// @peculiar/x509's declarations use the DOM's WebCrypto types; Node's are the same objects.
type X509Keys = Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]['keys'];
type X509Key = X509Keys['publicKey'];

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export type KeyKind = 'rsa' | 'ecdsa';

export interface IssuedCertificate {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
  readonly cert: x509.X509Certificate;
  readonly keys: CryptoKeyPair;
}

const DAY = 86_400_000;

async function generateKeys(kind: KeyKind): Promise<{ keys: CryptoKeyPair; alg: Algorithm }> {
  const alg =
    kind === 'rsa'
      ? ({ name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 } as Algorithm)
      : ({ name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as Algorithm);
  const keys = (await webcrypto.subtle.generateKey(alg as webcrypto.RsaHashedKeyGenParams, true, ['sign', 'verify'])) as CryptoKeyPair;
  return { keys, alg };
}

async function pemKey(keys: CryptoKeyPair): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN PRIVATE KEY-----\n${b64}\n-----END PRIVATE KEY-----\n`;
}

/** A self-signed CA certificate. */
export async function createCa(name: string, kind: KeyKind = 'ecdsa'): Promise<IssuedCertificate> {
  const { keys, alg } = await generateKeys(kind);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${name}`,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 30 * DAY),
    keys: keys as unknown as X509Keys,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey as unknown as X509Key),
    ],
  });
  return { certificatePem: cert.toString('pem'), privateKeyPem: await pemKey(keys), cert, keys };
}

export interface LeafOptions {
  /** Key type of the leaf. @default "ecdsa" */
  readonly kind?: KeyKind;
  /** Validity window. @default yesterday to in 30 days */
  readonly notBefore?: Date;
  readonly notAfter?: Date;
}

/** A leaf certificate for `name` (also its DNS SAN, plus 127.0.0.1), usable as server and client. */
export async function issueLeaf(ca: IssuedCertificate, name: string, options: LeafOptions = {}): Promise<IssuedCertificate> {
  const { keys } = await generateKeys(options.kind ?? 'ecdsa');
  const caAlg = ca.cert.publicKey.algorithm.name === 'ECDSA' ? { name: 'ECDSA', hash: 'SHA-256' } : ca.cert.signatureAlgorithm;
  const cert = await x509.X509CertificateGenerator.create({
    subject: `CN=${name}`,
    issuer: ca.cert.subject,
    notBefore: options.notBefore ?? new Date(Date.now() - DAY),
    notAfter: options.notAfter ?? new Date(Date.now() + 30 * DAY),
    publicKey: keys.publicKey as unknown as X509Key,
    signingKey: ca.keys.privateKey as unknown as X509Key,
    signingAlgorithm: caAlg as Algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: 'dns', value: name },
        { type: 'ip', value: '127.0.0.1' },
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(ca.keys.publicKey as unknown as X509Key),
    ],
  });
  return { certificatePem: cert.toString('pem'), privateKeyPem: await pemKey(keys), cert, keys };
}
