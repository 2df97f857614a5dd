import type { ComplianceRule } from '../../rule';
import { resourcesOfType, show, isTrue } from '../../view-helpers';

/** Customer-managed keys rotate yearly (or more often). */
export const kmsKeyRotation: ComplianceRule = {
  id: 'TSLJ-ENC-4',
  area: 'encryption',
  title: 'KMS keys have automatic rotation on',
  fix: 'set enable_key_rotation = true on the aws_kms_key',
  resourceTypes: ['aws_kms_key'],
  check: (app) =>
    resourcesOfType(app, 'aws_kms_key')
      .filter((k) => !isTrue(k.attributes.enable_key_rotation))
      .map((k) => ({ path: k.path, reason: `enable_key_rotation is ${show(k.attributes.enable_key_rotation)}` })),
};
