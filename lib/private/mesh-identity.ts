import { MESH_NAME_MAX_LENGTH } from '../limits';

/** Longest DNS name (RFC 1035), the limit of a certificate's subject alternative name in ACM. */
const DNS_NAME_MAX_LENGTH = 253;

/** The names of one mesh identity's certificate. */
export interface MeshIdentityName {
  /** `<service>.<region>.<zone>.<meshDomain>`: what peers verify (a subject alternative name). */
  readonly name: string;
  /**
   * The certificate's first domain name, which ACM puts in the common name (at most 64 characters):
   * the name itself when it fits, else `<service>.<region>.<zone>` (the CA is the zone's, so that
   * is unique too). Peers verify the subject alternative names, which hold the full name.
   */
  readonly commonName: string;
}

/**
 * The names of a mesh identity, or why it has none: its name is longer than a DNS name, or not even
 * `<service>.<region>.<zone>` fits a common name. Pure: the config validator and MtlsMesh share it.
 * Before, a name of more than 64 characters passed synth and ACM refused it at apply (found by QA).
 */
export function meshIdentityName(
  service: string,
  region: string,
  zone: string,
  meshDomain: string,
): MeshIdentityName | { problem: string } {
  const name = `${service}.${region}.${zone}.${meshDomain}`;
  if (name.length > DNS_NAME_MAX_LENGTH)
    return {
      problem: `gives the identity "${name}" (${name.length} characters) for service "${service}" in ${region}, which is not allowed; allowed: a DNS name of at most ${DNS_NAME_MAX_LENGTH} characters, <service>.<region>.<zone>.<meshDomain>`,
    };
  if (name.length <= MESH_NAME_MAX_LENGTH) return { name, commonName: name };
  const commonName = `${service}.${region}.${zone}`;
  if (commonName.length > MESH_NAME_MAX_LENGTH)
    return {
      problem: `gives the identity "${name}" for service "${service}" in ${region}, whose common name "${commonName}" (${commonName.length} characters) is not allowed; allowed: <service>.<region>.<zone> of at most ${MESH_NAME_MAX_LENGTH} characters when the full name is longer (ACM's common-name limit): a shorter service name or zone id`,
    };
  return { name, commonName };
}
