import * as tls from 'node:tls';
import { MESH_TLS_POLICY, envoyTlsPolicy, goTlsPolicy, nodeTlsPolicy } from '../../lib/mesh';
import { mtlsServerOptions } from '../../runtime/mtls';
import { createCa, issueLeaf } from '../helpers/pki';

describe('the mesh TLS policy in its consumers’ forms', () => {
  it('Node form is exactly what the runtime helper puts into a server', async () => {
    const ca = await createCa('root');
    const leaf = await issueLeaf(ca, 'svc');
    const server = mtlsServerOptions({
      certificatePem: leaf.certificatePem,
      privateKeyPem: leaf.privateKeyPem,
      trustedCaPem: ca.certificatePem,
    });
    const form = nodeTlsPolicy();
    expect(server).toMatchObject(form);
    expect(form.ciphers.split(':')).toEqual([
      'ECDHE-RSA-AES256-GCM-SHA384',
      'ECDHE-RSA-CHACHA20-POLY1305',
      'ECDHE-ECDSA-AES256-GCM-SHA384',
      'TLS_AES_256_GCM_SHA384',
      'TLS_CHACHA20_POLY1305_SHA256',
    ]);
    expect(() => tls.createSecureContext({ ciphers: form.ciphers, minVersion: 'TLSv1.2' })).not.toThrow();
  });

  it('Envoy form: TLSv1_2 minimum, client certificate required, the BoringSSL names of the three suites', () => {
    expect(envoyTlsPolicy()).toEqual({
      tls_params: {
        tls_minimum_protocol_version: 'TLSv1_2',
        tls_maximum_protocol_version: 'TLSv1_3',
        cipher_suites: ['ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-RSA-CHACHA20-POLY1305', 'ECDHE-ECDSA-AES256-GCM-SHA384'],
      },
      require_client_certificate: true,
    });
  });

  it("Go form is the design's SetupMTLS", () => {
    expect(goTlsPolicy()).toEqual({
      MinVersion: 'tls.VersionTLS12',
      ClientAuth: 'tls.RequireAndVerifyClientCert',
      CipherSuites: [
        'tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
        'tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
        'tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
      ],
    });
  });

  it('a narrower policy changes every form', () => {
    const only = { ...MESH_TLS_POLICY, tls12CipherSuites: MESH_TLS_POLICY.tls12CipherSuites.slice(2) };
    expect(nodeTlsPolicy(only).ciphers).toBe('ECDHE-ECDSA-AES256-GCM-SHA384:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256');
    expect(envoyTlsPolicy(only).tls_params.cipher_suites).toEqual(['ECDHE-ECDSA-AES256-GCM-SHA384']);
    expect(goTlsPolicy(only).CipherSuites).toEqual(['tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384']);
  });
});
