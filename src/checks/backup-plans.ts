/**
 * The AWS Backup plans that back a table up, read from its template: for the rules that judge
 * where its backups go (copies, vault lock).
 */

import { backupSelectionsOf, literalArn } from './rules/backup-plan';
import { referencedResource, TableModel } from './table-model';

const BACKUP_PLAN_TYPE = 'AWS::Backup::BackupPlan';

/** The rules of one backup plan, or undefined when the selection names a plan the template does not hold. */
export interface SelectingPlan {
  readonly rules?: Array<Record<string, any>>;
}

/** One entry per selection that selects the table. */
export function selectingPlans(table: TableModel): SelectingPlan[] {
  const plans = new Map(table.resourcesOfType(BACKUP_PLAN_TYPE));
  return backupSelectionsOf(table).map(selection => {
    const planId = referencedResource(selection.BackupPlanId);
    const plan = planId === undefined ? undefined : plans.get(planId);
    const rules = plan?.Properties?.BackupPlan?.BackupPlanRule;
    return { rules: Array.isArray(rules) ? rules : undefined };
  });
}

/** A copy destination of a table's backups, from its vault ARN. */
export interface CopyDestination {
  readonly region: string;
  readonly account: string;
}

/**
 * Where the backup plans that select the table copy its recovery points: the destinations whose
 * vault ARN is literal (or joined from literals), and whether any plan or destination could not be read.
 */
export function copyDestinations(table: TableModel): { known: CopyDestination[]; unknown: boolean } {
  const known: CopyDestination[] = [];
  let unknown = false;
  for (const plan of selectingPlans(table)) {
    if (plan.rules === undefined) {
      unknown = true;
      continue;
    }
    for (const rule of plan.rules) {
      const actions: any[] = Array.isArray(rule?.CopyActions) ? rule.CopyActions : [];
      for (const action of actions) {
        // arn:<partition>:backup:<region>:<account>:backup-vault:<name>
        const parts = literalArn(action?.DestinationBackupVaultArn)?.split(':');
        if (parts === undefined || parts.length < 7 || parts[3] === 'Region' || parts[4] === 'AccountId') {
          unknown = true;
        } else {
          known.push({ region: parts[3], account: parts[4] });
        }
      }
    }
  }
  return { known, unknown };
}
