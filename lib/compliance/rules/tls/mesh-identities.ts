import type { ComplianceRule, Finding } from '../../rule';
import { referencedResource, resourcesOfType, show, zoneOfRegion } from '../../view-helpers';

/**
 * mTLS between regions: every cluster's region has a gateway identity (an ACM private certificate
 * tagged MeshRegion/MeshService "api-gateway") issued by a private CA of the cluster's own
 * residency zone — so a gateway can require and verify client certificates (MESH_TLS_POLICY), and
 * no zone trusts another zone's identities.
 */
export const meshIdentities: ComplianceRule = {
  id: 'TSLJ-TLS-3',
  area: 'tls',
  title: "mTLS required between regions: every compute region's gateway has an identity from its residency zone's mesh CA",
  fix: 'add MtlsMesh for the zone (lib/mesh/mtls-mesh.ts) with the region among its memberRegions',
  resourceTypes: ['aws_eks_cluster', 'aws_acm_certificate', 'aws_acmpca_certificate_authority'],
  check: (app) => {
    const findings: Finding[] = [];
    const identities = resourcesOfType(app, 'aws_acm_certificate').filter((c) => c.attributes.certificate_authority_arn !== undefined);
    for (const cluster of resourcesOfType(app, 'aws_eks_cluster')) {
      const region = cluster.region;
      const zone = zoneOfRegion(app, region);
      const tagsOf = (r: { attributes: Record<string, unknown> }) => (r.attributes.tags ?? {}) as Record<string, string>;
      const gateway = identities.filter((c) => tagsOf(c).MeshRegion === region && tagsOf(c).MeshService === 'api-gateway');
      if (gateway.length === 0) {
        findings.push({ path: cluster.path, reason: `no mesh identity for the gateway of ${show(region)} (zone ${show(zone)})` });
        continue;
      }
      for (const cert of gateway) {
        const ca = referencedResource(app, cert, cert.attributes.certificate_authority_arn);
        const caZone = ca ? (tagsOf(ca).MeshZone ?? zoneOfRegion(app, ca.region)) : undefined;
        if (!ca || ca.type !== 'aws_acmpca_certificate_authority')
          findings.push({
            path: cert.path,
            reason: `is not issued by a private CA of this app (certificate_authority_arn ${show(cert.attributes.certificate_authority_arn)})`,
          });
        else if (caZone !== zone)
          findings.push({
            path: cert.path,
            reason: `identity of ${show(region)} (zone ${show(zone)}) is issued by the CA of zone ${show(caZone)}`,
          });
      }
    }
    return findings;
  },
};
