/**
 * The mesh TLS policy in every form its consumers need. The value itself lives in the cdktf-free
 * runtime (`runtime/mtls.ts`, what the gateway imports); this file spells it for Envoy and Go and
 * is what constructs and reports use.
 */
import { MESH_TLS_POLICY, allowedCipherNames, type MeshTlsPolicy } from '../../runtime/mtls';

export { MESH_TLS_POLICY, type MeshTlsPolicy, type MeshCipherSuite } from '../../runtime/mtls';

/**
 * Node `tls` options (OpenSSL names): what `mtlsServerOptions` / `mtlsClientOptions` put in. This
 * is also the gateway's form: the gateway is Node and calls those two helpers.
 */
export interface NodeTlsPolicyForm {
  readonly minVersion: string;
  readonly maxVersion: string;
  /** TLS 1.2 suites then TLS 1.3 suites (OpenSSL names), joined by ":" (Node takes both in one list). */
  readonly ciphers: string;
  readonly requestCert: boolean;
  readonly rejectUnauthorized: boolean;
}

/** Envoy `CommonTlsContext.tls_params` + `require_client_certificate` of a DownstreamTlsContext. */
export interface EnvoyTlsPolicyForm {
  readonly tls_params: {
    readonly tls_minimum_protocol_version: 'TLSv1_2';
    readonly tls_maximum_protocol_version: 'TLSv1_3';
    /** BoringSSL names (TLS 1.2 only; Envoy does not configure TLS 1.3 suites). */
    readonly cipher_suites: readonly string[];
  };
  readonly require_client_certificate: true;
}

/** Go `crypto/tls.Config` fields, as constant names (the design's `SetupMTLS`). */
export interface GoTlsPolicyForm {
  readonly MinVersion: 'tls.VersionTLS12';
  readonly ClientAuth: 'tls.RequireAndVerifyClientCert';
  /** `tls.<name>` constants; Go applies them to TLS 1.2 only (its TLS 1.3 suites are fixed). */
  readonly CipherSuites: readonly string[];
}

export function nodeTlsPolicy(policy: MeshTlsPolicy = MESH_TLS_POLICY): NodeTlsPolicyForm {
  return {
    minVersion: policy.minVersion,
    maxVersion: policy.maxVersion,
    ciphers: allowedCipherNames(policy).join(':'),
    requestCert: policy.requireClientCertificate,
    rejectUnauthorized: true,
  };
}

export function envoyTlsPolicy(policy: MeshTlsPolicy = MESH_TLS_POLICY): EnvoyTlsPolicyForm {
  return {
    tls_params: {
      tls_minimum_protocol_version: 'TLSv1_2',
      tls_maximum_protocol_version: 'TLSv1_3',
      cipher_suites: policy.tls12CipherSuites.map((s) => s.openssl),
    },
    require_client_certificate: true,
  };
}

export function goTlsPolicy(policy: MeshTlsPolicy = MESH_TLS_POLICY): GoTlsPolicyForm {
  return {
    MinVersion: 'tls.VersionTLS12',
    ClientAuth: 'tls.RequireAndVerifyClientCert',
    CipherSuites: policy.tls12CipherSuites.map((s) => `tls.${s.go}`),
  };
}
