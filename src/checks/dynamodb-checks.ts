import * as fs from 'fs';
import { IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport, PolicyViolation } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { InBackupPlan } from './rules/backup-plan';
import { ContributorInsightsEnabled } from './rules/contributor-insights';
import { CustomerManagedKeyEncryption } from './rules/customer-managed-key';
import { DeletionProtectionEnabled } from './rules/deletion-protection';
import { PointInTimeRecoveryEnabled } from './rules/point-in-time-recovery';
import { ProvisionedCapacityAutoscaled } from './rules/provisioned-autoscaling';
import { TableModel, Template } from './table-model';
import { TableRule } from './table-rule';

const RULES: TableRule[] = [
  PointInTimeRecoveryEnabled,
  CustomerManagedKeyEncryption,
  DeletionProtectionEnabled,
  ProvisionedCapacityAutoscaled,
  InBackupPlan,
  ContributorInsightsEnabled,
];

/**
 * DynamoDB checks as a policy-validation plugin, used next to the cdk-nag 3 packs:
 *
 * ```ts
 * const app = new App();
 * Validations.of(app).addPlugins(new DynamoDbChecks(app));
 * ```
 *
 * The standard packs look only at `AWS::DynamoDB::Table`. These checks read both
 * `AWS::DynamoDB::Table` and `AWS::DynamoDB::GlobalTable` (every replica) in the synthesized
 * templates: point-in-time recovery, a customer-managed key, deletion protection, autoscaling when
 * provisioned, membership of an AWS Backup plan and contributor insights (on the table
 * and every global secondary index).
 *
 * Acknowledge a finding on the narrowest construct with its namespaced id, for example
 * `Validations.of(table).acknowledge({ id: 'DynamoDbChecks::ContributorInsightsEnabled', reason: '...' })`.
 */
export class DynamoDbChecks implements IPolicyValidationPlugin {
  /** The plugin name, and the namespace of its acknowledgement ids. */
  public readonly name = 'DynamoDbChecks';
  /** The rules this plugin evaluates. */
  public readonly ruleIds?: string[] = RULES.map(rule => rule.name);

  /**
   * @param _scope the app the checks are registered on. Accepted for symmetry with the cdk-nag 3
   * packs; the checks read the synthesized templates, not the construct tree.
   */
  constructor(_scope?: IConstruct) {}

  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const violations: PolicyViolation[] = [];
    for (const rule of RULES) {
      const violatingResources = context.templatePaths.flatMap(templatePath =>
        TableModel.allIn(readTemplate(templatePath)).flatMap(table => {
          // A ProductionTable records an explicit choice as a warning with this rule's id: that
          // warning is the finding, and one acknowledgement of the id clears it.
          if (table.explicitChoices.includes(rule.name)) {
            return [];
          }
          const locations = rule.check(table);
          return locations.length > 0 ? [{ resourceLogicalId: table.logicalId, templatePath, locations }] : [];
        }));
      if (violatingResources.length > 0) {
        violations.push({
          ruleName: rule.name,
          description: rule.description,
          fix: rule.fix,
          // Without a severity, the framework counts a report with acknowledged findings as passing.
          severity: 'error',
          violatingResources,
        });
      }
    }
    return { success: violations.length === 0, violations };
  }
}

function readTemplate(templatePath: string): Template {
  return JSON.parse(fs.readFileSync(templatePath, 'utf-8'));
}
