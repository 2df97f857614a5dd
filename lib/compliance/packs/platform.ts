/**
 * The platform's rule pack: every rule under lib/compliance/rules. To add a rule, write it in
 * rules/<area>/<name>.ts with a compliant and a non-compliant test, and list it here.
 */
import type { ComplianceRule, PendingRule } from '../rule';
import { clusterAuditLogs } from '../rules/audit/cluster-audit-logs';
import { trailInEveryRegion } from '../rules/audit/trail-in-every-region';
import { vpcFlowLogs } from '../rules/audit/vpc-flow-logs';
import { globalServiceEventsOnce } from '../rules/audit/global-service-events-once';
import { trailAlarms } from '../rules/audit/trail-alarms';
import { bucketAccessLogging } from '../rules/storage/bucket-access-logging';
import { bucketLifecycle } from '../rules/storage/bucket-lifecycle';
import { databaseBackupsAndProtection } from '../rules/database/database-backups-and-protection';
import { databaseNotPublic } from '../rules/database/database-not-public';
import { backupVaultEncrypted } from '../rules/encryption/backup-vault-encrypted';
import { bucketEncryptedWithCmk } from '../rules/encryption/bucket-encrypted-with-cmk';
import { clusterSecretsEncrypted } from '../rules/encryption/cluster-secrets-encrypted';
import { databaseEncrypted } from '../rules/encryption/database-encrypted';
import { kmsKeyRotation } from '../rules/encryption/kms-key-rotation';
import { logGroupEncrypted } from '../rules/encryption/log-group-encrypted';
import { objectEncryptedWithCmk } from '../rules/encryption/object-encrypted-with-cmk';
import { trailEncrypted } from '../rules/encryption/trail-encrypted';
import { defaultDenyNetworkPolicy } from '../rules/kubernetes/default-deny-network-policy';
import { clusterEndpointPrivate } from '../rules/network/cluster-endpoint-private';
import { defaultSecurityGroupClosed } from '../rules/network/default-security-group-closed';
import { noPublicIngress } from '../rules/network/no-public-ingress';
import { backupCopiesInZone } from '../rules/residency/backup-copies-in-zone';
import { databaseBackupCopiesInZone } from '../rules/residency/database-backup-copies-in-zone';
import { googleStorageInZone } from '../rules/residency/google-storage-in-zone';
import { managedCertificateNoWildcard } from '../rules/tls/managed-certificate-no-wildcard';
import { databaseReplicasInZone } from '../rules/residency/database-replicas-in-zone';
import { logDestinationsInZone } from '../rules/residency/log-destinations-in-zone';
import { peeringInZone } from '../rules/residency/peering-in-zone';
import { replicationStaysInZone } from '../rules/residency/replication-stays-in-zone';
import { noSecretInSynth } from '../rules/secrets/no-secret-in-synth';
import { bucketPublicAccessBlocked } from '../rules/storage/bucket-public-access-blocked';
import { bucketVersioned } from '../rules/storage/bucket-versioned';
import { bucketTlsOnly } from '../rules/tls/bucket-tls-only';
import { meshIdentities } from '../rules/tls/mesh-identities';
import { minimumTls12 } from '../rules/tls/minimum-tls12';
import { residencyTags } from '../rules/tagging/residency-tags';

export const PLATFORM_RULES: readonly ComplianceRule[] = [
  bucketEncryptedWithCmk,
  trailEncrypted,
  logGroupEncrypted,
  kmsKeyRotation,
  clusterSecretsEncrypted,
  databaseEncrypted,
  backupVaultEncrypted,
  objectEncryptedWithCmk,
  bucketTlsOnly,
  minimumTls12,
  meshIdentities,
  managedCertificateNoWildcard,
  databaseNotPublic,
  databaseBackupsAndProtection,
  bucketPublicAccessBlocked,
  bucketVersioned,
  bucketAccessLogging,
  bucketLifecycle,
  trailInEveryRegion,
  vpcFlowLogs,
  clusterAuditLogs,
  globalServiceEventsOnce,
  trailAlarms,
  replicationStaysInZone,
  databaseReplicasInZone,
  backupCopiesInZone,
  logDestinationsInZone,
  databaseBackupCopiesInZone,
  googleStorageInZone,
  peeringInZone,
  noPublicIngress,
  defaultSecurityGroupClosed,
  clusterEndpointPrivate,
  defaultDenyNetworkPolicy,
  residencyTags,
  noSecretInSynth,
];

/** Rules not written yet, with what must exist first. */
export const PLATFORM_PENDING_RULES: readonly PendingRule[] = [];
