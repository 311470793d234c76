/**
 * The AWS Backup plans that back a table up, read from its template: for the rules that judge
 * where its backups go (copies, vault lock).
 */

import { backupSelectionsOf, literalArn } from './rules/backup-plan';
import { referencedResource, TableModel } from './table-model';
import { findings, RuleFindings } from './table-rule';

const BACKUP_PLAN_TYPE = 'AWS::Backup::BackupPlan';

/** The rules of the backup plans that select a table. */
export interface SelectingRules {
  readonly rules: Array<Record<string, any>>;
  /** Whether a selection names a plan the template does not hold, or a plan's rules cannot be read. */
  readonly unknown: boolean;
}

/** The rules of every backup plan that selects the table, one entry per selection and rule. */
export function selectingRules(table: TableModel): SelectingRules {
  const plans = new Map(table.resourcesOfType(BACKUP_PLAN_TYPE));
  const rules: Array<Record<string, any>> = [];
  let unknown = false;
  for (const selection of backupSelectionsOf(table)) {
    const planId = referencedResource(selection.BackupPlanId);
    const planRules = (planId === undefined ? undefined : plans.get(planId))?.Properties?.BackupPlan?.BackupPlanRule;
    if (Array.isArray(planRules)) {
      rules.push(...planRules);
    } else {
      unknown = true;
    }
  }
  return { rules, unknown };
}

/**
 * The finding of a rule about the plans that select the table, once it has found that none of them
 * does what it demands: undecided when a plan or a value it needed could not be read, failing otherwise.
 */
export function plansFallShort(unknown: boolean): string[] | RuleFindings {
  return unknown ? findings([], ['Properties']) : ['Properties'];
}

/** A copy destination of a table's backups, from its vault ARN. */
export interface CopyDestination {
  readonly region: string;
  readonly account: string;
}

/**
 * Whether the backup plans that select the table copy its recovery points to each of `wanted`, a
 * region or an account as `where` reads it from a destination vault's ARN. A destination counts when
 * its vault ARN is literal (or joined from literals).
 */
export function copiedToEach(table: TableModel, wanted: string[], where: (destination: CopyDestination) => string): string[] | RuleFindings {
  const { known, unknown } = copyDestinations(table);
  const reached = new Set(known.map(where));
  return wanted.every(entry => reached.has(entry)) ? [] : plansFallShort(unknown);
}

/**
 * Where the backup plans that select the table copy its recovery points: the destinations whose
 * vault ARN is literal (or joined from literals), and whether any plan or destination could not be read.
 */
function copyDestinations(table: TableModel): { known: CopyDestination[]; unknown: boolean } {
  const known: CopyDestination[] = [];
  const selected = selectingRules(table);
  let unknown = selected.unknown;
  for (const rule of selected.rules) {
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
  return { known, unknown };
}
