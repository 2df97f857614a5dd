import type { ComplianceRule } from '../../rule';
import { blocks, copyFinding, resourcesOfType } from '../../view-helpers';

/** Backup copy actions (cross-region vault copies) stay inside the zone. */
export const backupCopiesInZone: ComplianceRule = {
  id: 'TSLJ-RES-3',
  area: 'residency',
  title: 'Backup copies go only to vaults inside the residency zone',
  fix: 'point copy_action.destination_vault_arn at a vault in a region of the same residency zone',
  resourceTypes: ['aws_backup_plan'],
  check: (app) =>
    resourcesOfType(app, 'aws_backup_plan').flatMap((plan) =>
      blocks(plan.attributes.rule).flatMap((rule) =>
        blocks(rule.copy_action).flatMap((copy) =>
          copyFinding(app, plan, `backup copy of rule ${String(rule.rule_name ?? '')}`, copy.destination_vault_arn),
        ),
      ),
    ),
};
