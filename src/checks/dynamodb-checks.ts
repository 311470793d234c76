import * as fs from 'fs';
import { IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport, PolicyViolatingResource, PolicyViolation } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { CheckSettings, resolveSettings } from './check-settings';
import { ClusterRule } from './cluster-rule';
import { ClusterModel } from './dax-model';
import { BackupCopiedToAccounts } from './rules/backup-copied-to-accounts';
import { BackupCopiedToRegions } from './rules/backup-copied-to-regions';
import { InBackupPlan } from './rules/backup-plan';
import { BackupVaultLocked } from './rules/backup-vault-locked';
import { CacheEncryptedAtRest } from './rules/cache-encrypted-at-rest';
import { CacheEncryptedInTransit } from './rules/cache-encrypted-in-transit';
import { CacheFaultTolerant } from './rules/cache-fault-tolerant';
import { ContributorInsightsEnabled } from './rules/contributor-insights';
import { CustomerManagedKeyEncryption } from './rules/customer-managed-key';
import { DeletionProtectionEnabled } from './rules/deletion-protection';
import { KmsKeyAllowListed } from './rules/kms-key-allow-listed';
import { PointInTimeRecoveryEnabled } from './rules/point-in-time-recovery';
import { ProvisionedCapacityAutoscaled } from './rules/provisioned-autoscaling';
import { TableTagged } from './rules/table-tagged';
import { TableModel, Template } from './table-model';
import { RuleFindings, TableRule, undecidedDescription } from './table-rule';

const TABLE_RULES: TableRule[] = [
  PointInTimeRecoveryEnabled,
  CustomerManagedKeyEncryption,
  DeletionProtectionEnabled,
  ProvisionedCapacityAutoscaled,
  InBackupPlan,
  ContributorInsightsEnabled,
  KmsKeyAllowListed,
  TableTagged,
  BackupCopiedToRegions,
  BackupCopiedToAccounts,
  BackupVaultLocked,
];

const CLUSTER_RULES: ClusterRule[] = [
  CacheEncryptedAtRest,
  CacheEncryptedInTransit,
  CacheFaultTolerant,
];

/**
 * The value of `ruleMetadata.verdict` on a violation the checks could not decide at synth.
 */
const UNDECIDED = 'cannot decide at synth';

/**
 * Parameters of DynamoDbChecks. Each one is optional; left out, the rule it tunes behaves as it does
 * without parameters. The names follow the AWS Config managed rule or Security Hub control they come from.
 */
export interface DynamoDbChecksProps {
  /**
   * The KMS keys a table (and every replica) may be encrypted with, as AWS Config's
   * `dynamodb-table-encrypted-kms` takes them in `kmsKeyArns`. An entry is a key or alias ARN, or the
   * logical ID of an `AWS::KMS::Key` in the same template. A literal ARN passes when it is listed; a
   * key of the same template passes when its logical ID is listed; a key the template names any other
   * way (an import, a parameter, another stack) is reported as "cannot decide", never passed.
   *
   * @default - any customer-managed key passes (rule KmsKeyAllowListed passes every table)
   */
  readonly kmsKeyArns?: string[];

  /**
   * The least minimum capacity an autoscaled provisioned table or index may have for reads
   * (Security Hub DynamoDB.1 `minProvisionedReadCapacity`, 1 to 40000).
   *
   * @default - any minimum
   */
  readonly minProvisionedReadCapacity?: number;

  /**
   * The least minimum capacity an autoscaled provisioned table or index may have for writes
   * (Security Hub DynamoDB.1 `minProvisionedWriteCapacity`, 1 to 40000).
   *
   * @default - any minimum
   */
  readonly minProvisionedWriteCapacity?: number;

  /**
   * The target utilization, in percent, that read autoscaling must track (Security Hub DynamoDB.1
   * `targetReadUtilization`, 20 to 90).
   *
   * @default - any target
   */
  readonly targetReadUtilization?: number;

  /**
   * The target utilization, in percent, that write autoscaling must track (Security Hub DynamoDB.1
   * `targetWriteUtilization`, 20 to 90).
   *
   * @default - any target
   */
  readonly targetWriteUtilization?: number;

  /**
   * The shortest point-in-time recovery period a table (and every replica) may keep, in days, 1 to 35
   * (DynamoDB's `RecoveryPeriodInDays`, 35 when left out of a template). A parameter of these checks;
   * no AWS framework has it.
   *
   * @default - any period
   */
  readonly minRecoveryPeriodInDays?: number;

  /**
   * Tag keys every table (every replica of a global table) must carry, 1 to 6, as Security Hub
   * DynamoDB.5 takes them in `requiredTagKeys`. Rule TableTagged checks them.
   *
   * @default - no tag is required (rule TableTagged passes every table)
   */
  readonly requiredTagKeys?: string[];

  /**
   * Regions that every backup of a table must be copied to, as AWS Config's
   * `dynamodb-resources-protected-by-backup-plan` takes them in `crossRegionList`. Rule
   * BackupCopiedToRegions checks the copy actions of the backup plans that select the table.
   *
   * @default - no copy is required
   */
  readonly crossRegionList?: string[];

  /**
   * Accounts that every backup of a table must be copied to, as AWS Config's
   * `dynamodb-resources-protected-by-backup-plan` takes them in `crossAccountList`. Rule
   * BackupCopiedToAccounts checks the copy actions of the backup plans that select the table.
   *
   * @default - no copy is required
   */
  readonly crossAccountList?: string[];

  /**
   * Require the vault that a table's backups go to to have an AWS Backup Vault Lock, as
   * `backupVaultLockCheck` of AWS Config's `dynamodb-resources-protected-by-backup-plan` and of
   * Security Hub DynamoDB.4 does. Rule BackupVaultLocked checks it.
   *
   * @default false
   */
  readonly backupVaultLockCheck?: boolean;
}

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
 * and every global secondary index); and every `AWS::DAX::Cluster`: encryption at rest, TLS, and
 * nodes in three Availability Zones. Parameters (`DynamoDbChecksProps`) add the allow-list of keys,
 * Security Hub DynamoDB.1's capacity and utilization, a PITR period, required tags, and backup
 * copies and vault lock.
 *
 * A value that cannot be read at synth (a token) is reported as a violation that says so, never
 * passed.
 *
 * Acknowledge a finding on the narrowest construct with its namespaced id, for example
 * `Validations.of(table).acknowledge({ id: 'DynamoDbChecks::ContributorInsightsEnabled', reason: '...' })`.
 */
export class DynamoDbChecks implements IPolicyValidationPlugin {
  /** The plugin name, and the namespace of its acknowledgement ids. */
  public readonly name = 'DynamoDbChecks';
  /** The rules this plugin evaluates. */
  public readonly ruleIds?: string[] = [...TABLE_RULES, ...CLUSTER_RULES].map(rule => rule.name);

  private readonly settings: CheckSettings;

  /**
   * @param _scope the app the checks are registered on. Accepted for symmetry with the cdk-nag 3
   * packs; the checks read the synthesized templates, not the construct tree.
   * @param props the checks' parameters
   */
  constructor(_scope?: IConstruct, props: DynamoDbChecksProps = {}) {
    this.settings = resolveSettings(props);
  }

  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const regions = new Map((context.stackTemplates ?? []).map(stack => [stack.templatePath, stack.region]));
    const templates = context.templatePaths.map(templatePath => ({
      templatePath, template: readTemplate(templatePath), region: regions.get(templatePath),
    }));
    const violations: PolicyViolation[] = [
      ...TABLE_RULES.flatMap(rule => this.report(rule, templates.flatMap(({ templatePath, template, region }) =>
        TableModel.allIn(template, region).map(table => ({ templatePath, resource: table, run: () => rule.check(table, this.settings) }))))),
      ...CLUSTER_RULES.flatMap(rule => this.report(rule, templates.flatMap(({ templatePath, template }) =>
        ClusterModel.allIn(template).map(cluster => ({ templatePath, resource: cluster, run: () => rule.check(cluster, this.settings) }))))),
    ];
    return { success: violations.length === 0, violations };
  }

  private report(rule: TableRule | ClusterRule, subjects: Subject[]): PolicyViolation[] {
    // Resources that fail with a detail of their own get a violation whose description starts with it.
    const failing = new Map<string, PolicyViolatingResource[]>();
    const undecided: PolicyViolatingResource[] = [];
    for (const { templatePath, resource, run } of subjects) {
      // A ProductionTable or TableCache records an explicit choice as a warning with this rule's id:
      // that warning is the finding, and one acknowledgement of the id clears it.
      if (resource.explicitChoices.includes(rule.name)) {
        continue;
      }
      const result = asFindings(run());
      if (result.failing.length > 0) {
        const description = result.detail === undefined ? rule.description : `${result.detail} ${rule.description}`;
        const violating = { resourceLogicalId: resource.logicalId, templatePath, locations: result.failing };
        failing.set(description, [...failing.get(description) ?? [], violating]);
      }
      if (result.undecided.length > 0) {
        undecided.push({ resourceLogicalId: resource.logicalId, templatePath, locations: result.undecided });
      }
    }
    const violations: PolicyViolation[] = [];
    // Without a severity, the framework counts a report with acknowledged findings as passing.
    for (const [description, violatingResources] of failing) {
      violations.push({ ruleName: rule.name, description, fix: rule.fix, severity: 'error', violatingResources });
    }
    // Same rule name, so the rule's one acknowledgement id covers these too.
    if (undecided.length > 0) {
      violations.push({
        ruleName: rule.name,
        description: undecidedDescription(rule.description),
        fix: rule.fix,
        severity: 'error',
        ruleMetadata: { verdict: UNDECIDED },
        violatingResources: undecided,
      });
    }
    return violations;
  }
}

interface Subject {
  readonly templatePath: string;
  readonly resource: { readonly logicalId: string; readonly explicitChoices: string[] };
  run(): string[] | RuleFindings;
}

function asFindings(result: string[] | RuleFindings): RuleFindings {
  return Array.isArray(result) ? { failing: result, undecided: [] } : result;
}

function readTemplate(templatePath: string): Template {
  return JSON.parse(fs.readFileSync(templatePath, 'utf-8'));
}
