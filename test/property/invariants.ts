/**
 * What must hold for every valid configuration, read from the synthesized cloud assembly.
 *
 * Each check returns the violations it found as sentences, so that a failing property prints
 * every broken invariant of its counterexample at once.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnElement, Stack } from 'aws-cdk-lib';
import { CfnKey } from 'aws-cdk-lib/aws-kms';
import { addCloudFormationValidate } from '../cfn-validate';
import { ENV, STACK_ID, TABLE_ID, TABLE_PATH, TableConfig, build, tableProps } from './generators';
import { ProductionTable } from '../../src';

/** A synthesized app, reduced to what the invariants read. */
export interface Synthesized {
  /** Template by stack artifact id. */
  readonly templates: Map<string, any>;
  /** Warning annotations: construct path (without the leading '/') and text. */
  readonly warnings: Array<{ readonly path: string; readonly text: string }>;
  /** `<artifact id>/<logical id>` to the construct path of the resource. */
  readonly paths: Map<string, string>;
  /** Paths of the constructs of the user's own code (see `Built.userPaths`). */
  readonly userPaths: Set<string>;
  /**
   * What aws-cdk-lib's own "CloudFormation Validate" report (cfn-lint schema rules, run at every
   * synth, warnings that do not fail it) found, one line per finding.
   */
  readonly schemaFindings: string[];
}

export interface SynthesizeOptions {
  /**
   * Run aws-cdk-lib's CloudFormation Validate (the schema check, `schemaFindings`).
   * @default true
   */
  readonly schema?: boolean;
}

/** Synthesizes `config` into a fresh app in a temporary directory, which is removed again. */
export function synthesize(config: TableConfig, options: SynthesizeOptions = {}): Synthesized {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'prop-'));
  try {
    const app = new App({ outdir });
    if (options.schema ?? true) {
      addCloudFormationValidate(app);
    }
    const { userPaths } = build(app, config);
    const assembly = app.synth();
    const templates = new Map<string, any>();
    const warnings: Array<{ path: string; text: string }> = [];
    for (const artifact of assembly.stacks) {
      templates.set(artifact.id, artifact.template);
      for (const message of artifact.messages) {
        if (message.level === 'warning') {
          warnings.push({ path: message.id.replace(/^\//, ''), text: String(message.entry.data) });
        }
      }
    }
    const paths = new Map<string, string>();
    for (const stack of app.node.findAll().filter((c): c is Stack => Stack.isStack(c))) {
      for (const element of stack.node.findAll().filter((c): c is CfnElement => CfnElement.isCfnElement(c) && Stack.of(c) === stack)) {
        paths.set(`${stack.artifactId}/${stack.resolve(element.logicalId)}`, element.node.path);
      }
    }
    return { templates, warnings, paths, userPaths, schemaFindings: schemaFindingsIn(path.join(outdir, 'validation-report.json')) };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function schemaFindingsIn(file: string): string[] {
  if (!fs.existsSync(file)) {
    return [];
  }
  const report = JSON.parse(fs.readFileSync(file, 'utf-8'));
  return (report.pluginReports ?? []).flatMap((plugin: any) => (plugin.violations ?? []).map((v: any) =>
    `${plugin.pluginName} ${v.ruleName} at ${(v.violatingConstructs ?? []).map((c: any) => c.constructPath).join(', ')}: ${v.description}`));
}

/**
 * The templates pass aws-cdk-lib's own schema check: a finding there (a property too long, say)
 * is a deployment that CloudFormation would refuse.
 */
export function checkSchema(s: Synthesized): string[] {
  return s.schemaFindings;
}

/** Every template of the app, as one JSON string per stack, in artifact order: the determinism property compares these. */
export function templatesJson(synthesized: Synthesized): string {
  return JSON.stringify([...synthesized.templates.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

// ---------------------------------------------------------------------------------------------
// Loosened defaults and their findings
// ---------------------------------------------------------------------------------------------

/** The documented finding id of each loosened default (README, "Changing a default"). */
export const LOOSENED_FINDINGS = {
  pitr: 'DynamoDbChecks::PointInTimeRecoveryEnabled',
  deletionProtection: 'DynamoDbChecks::DeletionProtectionEnabled',
  retain: 'DynamoDbChecks::TableRetained',
  cmk: 'DynamoDbChecks::CustomerManagedKeyEncryption',
  insights: 'DynamoDbChecks::ContributorInsightsEnabled',
  backup: 'DynamoDbChecks::InBackupPlan',
  alarms: 'DynamoDbChecks::AlarmsNotify',
} as const;
type Loosenable = keyof typeof LOOSENED_FINDINGS;

export function loosenedIn(config: TableConfig): Record<Loosenable, boolean> {
  const l = config.loosened;
  return {
    pitr: l.pitrOff,
    // removalPolicy DESTROY is the one setting of a removable dev table: its one finding covers the
    // deletion protection and the backup it turns off (README, "A removable dev stack").
    deletionProtection: l.deletionProtectionOff && !l.destroy,
    retain: l.destroy,
    cmk: config.encryption === 'awsManaged' || config.encryption === 'awsOwned',
    insights: l.insightsOff,
    backup: l.backupOff && !l.destroy,
    alarms: l.alarmsNone,
  };
}

/** What the template must show: a removable table has no deletion protection and no backup either. */
function effectiveIn(config: TableConfig) {
  const l = config.loosened;
  return {
    ...loosenedIn(config),
    deletionProtection: l.deletionProtectionOff || l.destroy,
    backup: l.backupOff || l.destroy,
    // The keys the library makes go with a removable table, after KMS's shortest wait.
    keyDeletion: l.destroy ? { policy: 'Delete', pendingDays: 7 } : { policy: 'Retain', pendingDays: undefined },
  };
}

/** Whether a key resource is one the library made, rotated, with the deletion its table implies. */
function keyAsExpected(key: any, config: TableConfig): boolean {
  const { policy, pendingDays } = effectiveIn(config).keyDeletion;
  return key.DeletionPolicy === policy && key.Properties.EnableKeyRotation === true && key.Properties.PendingWindowInDays === pendingDays;
}

const ack = (id: string) => `[ack: ${id}]`;
const under = (p: string, root: string) => p === root || p.startsWith(`${root}/`);

/**
 * The table resource keeps every safety default unless the configuration loosened it, and then
 * the loosened value reaches the template.
 */
export function checkTableDefaults(config: TableConfig, s: Synthesized): string[] {
  const violations: string[] = [];
  const template = s.templates.get(STACK_ID);
  const tables = Object.entries<any>(template.Resources).filter(([, r]) => r.Type === 'AWS::DynamoDB::GlobalTable');
  if (tables.length !== 1) {
    return [`expected 1 AWS::DynamoDB::GlobalTable in ${STACK_ID}, found ${tables.length}`];
  }
  const [logicalId, table] = tables[0];
  const loose = effectiveIn(config);
  const props = table.Properties;
  const expectedRegions = [ENV.region, ...config.replicas.map(r => r.region)].sort();
  const replicas: any[] = props.Replicas ?? [];
  const regions = replicas.map(r => r.Region === undefined || typeof r.Region === 'object' ? '<stack region>' : r.Region);
  if (config.env && JSON.stringify([...regions].sort()) !== JSON.stringify(expectedRegions)) {
    violations.push(`replica regions are ${JSON.stringify(regions)}, expected ${JSON.stringify(expectedRegions)}`);
  }
  if (!config.env && replicas.length !== 1) {
    violations.push(`an environment-agnostic table has ${replicas.length} replica entries, expected 1`);
  }

  const policy = loose.retain ? 'Delete' : 'Retain';
  if (table.DeletionPolicy !== policy || table.UpdateReplacePolicy !== policy) {
    violations.push(`table DeletionPolicy/UpdateReplacePolicy are ${table.DeletionPolicy}/${table.UpdateReplacePolicy}, expected ${policy}`);
  }

  const sse = props.SSESpecification ?? {};
  for (const replica of replicas) {
    const where = `replica ${JSON.stringify(replica.Region ?? '<stack region>')}`;
    const pitr = replica.PointInTimeRecoverySpecification?.PointInTimeRecoveryEnabled === true;
    if (pitr === loose.pitr) {
      violations.push(`${where}: PointInTimeRecoveryEnabled is ${pitr}, expected ${!loose.pitr}`);
    }
    if (!loose.pitr && replica.PointInTimeRecoverySpecification?.RecoveryPeriodInDays !== (config.pitrDays ?? 35)) {
      violations.push(`${where}: RecoveryPeriodInDays is ${replica.PointInTimeRecoverySpecification?.RecoveryPeriodInDays}, expected ${config.pitrDays ?? 35}`);
    }
    const protectedTable = replica.DeletionProtectionEnabled === true;
    if (protectedTable === loose.deletionProtection) {
      violations.push(`${where}: DeletionProtectionEnabled is ${replica.DeletionProtectionEnabled}, expected ${!loose.deletionProtection}`);
    }
    const cmk = sse.SSEEnabled === true && sse.SSEType === 'KMS' && isGiven(replica.SSESpecification?.KMSMasterKeyId);
    if (cmk === loose.cmk) {
      violations.push(`${where}: customer-managed key is ${cmk} (SSESpecification ${JSON.stringify(sse)}, replica ${JSON.stringify(replica.SSESpecification)}), expected ${!loose.cmk}`);
    }
    const indexInsights = (replica.GlobalSecondaryIndexes ?? []).map((g: any) => g.ContributorInsightsSpecification);
    const insights = [replica.ContributorInsightsSpecification, ...indexInsights];
    const gsiCount = config.gsis.length;
    if ((replica.GlobalSecondaryIndexes ?? []).length !== gsiCount && !loose.insights) {
      violations.push(`${where}: ${(replica.GlobalSecondaryIndexes ?? []).length} replica GSI settings for ${gsiCount} GSIs`);
    }
    const enabled = insights.map(i => i?.Enabled === true);
    if (loose.insights ? enabled.some(Boolean) : !enabled.every(Boolean)) {
      violations.push(`${where}: contributor insights ${JSON.stringify(insights)}, expected all ${loose.insights ? 'off' : 'on'}`);
    }
  }

  // The replica keys: the library's in each region's key stack, or the ARNs the user gave.
  for (const replica of config.replicas) {
    const key = replicas.find(r => r.Region === replica.region)?.SSESpecification?.KMSMasterKeyId;
    if (config.encryption === 'userKey' && (typeof key !== 'string' || !key.startsWith(`arn:aws:kms:${replica.region}:`))) {
      violations.push(`replica ${replica.region}: key ${JSON.stringify(key)} is not the ARN given in replicaKeyArns`);
    }
    if (config.encryption === 'default') {
      const keyStack = s.templates.get(`${STACK_ID}-DynamoDbKitReplicas-${replica.region}`);
      const keys = keyStack ? Object.values<any>(keyStack.Resources).filter(r => r.Type === 'AWS::KMS::Key') : [];
      if (keys.length !== 1 || !keyAsExpected(keys[0], config)) {
        violations.push(`replica ${replica.region}: expected one rotated key (${JSON.stringify(loose.keyDeletion)}) in its ReplicaKeyStack, found ${JSON.stringify(keys)}`);
      }
    }
  }

  // The library's table key (DESIGN.md: every key it makes has rotation on and is retained, except
  // a removable table's).
  if (config.encryption === 'default') {
    const keys = Object.entries<any>(template.Resources)
      .filter(([id, r]) => r.Type === 'AWS::KMS::Key' && s.paths.get(`${STACK_ID}/${id}`) === `${STACK_ID}/${TABLE_ID}Key/Resource`);
    if (keys.length !== 1 || !keyAsExpected(keys[0][1], config)) {
      violations.push(`expected the table's key ${STACK_ID}/${TABLE_ID}Key, rotated (${JSON.stringify(loose.keyDeletion)}), found ${JSON.stringify(keys)}`);
    }
  }

  // AWS Backup: the stack's backup selection names the table, unless backup is false.
  const selections = Object.values<any>(template.Resources).filter(r => r.Type === 'AWS::Backup::BackupSelection');
  const selected = selections.some(sel => JSON.stringify(sel.Properties).includes(`"${logicalId}"`));
  if (selected === loose.backup) {
    violations.push(`the table is ${selected ? '' : 'not '}in a backup selection, expected ${loose.backup ? 'not' : 'in one'}`);
  }
  return violations;
}

function isGiven(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

/**
 * Each loosened default leaves exactly one warning with its documented id, on the table or below
 * it; a default that is kept leaves none. Every other warning must be one that this configuration
 * explains (listed here with the reason), so a stray warning fails too.
 */
export function checkWarnings(config: TableConfig, s: Synthesized): string[] {
  const violations: string[] = [];
  const loose = loosenedIn(config);
  const explained = new Set<number>();
  for (const [rule, id] of Object.entries(LOOSENED_FINDINGS) as Array<[Loosenable, string]>) {
    const found = s.warnings.map((w, i) => ({ ...w, i })).filter(w => w.text.includes(ack(id)));
    found.forEach(w => explained.add(w.i));
    const onTable = found.filter(w => under(w.path, TABLE_PATH));
    const expected = loose[rule] ? 1 : 0;
    if (onTable.length !== expected || found.length !== onTable.length) {
      violations.push(`${id}: ${found.length} warnings (${found.map(w => w.path).join(', ') || 'none'}), expected ${expected} on ${TABLE_PATH} or below`);
    }
  }

  // More stream consumers than DynamoDB advises per shard: 2, or 1 on a global table (README, "Reader guidance").
  const readersLimit = config.replicas.length > 0 ? 1 : 2;
  const readers = s.warnings.map((w, i) => ({ ...w, i })).filter(w => w.text.includes(ack('DynamoDbChecks::StreamReadersWithinGuidance')));
  readers.forEach(w => explained.add(w.i));
  const expectedReaders = Math.max(0, config.consumers.length - readersLimit);
  if (readers.length !== expectedReaders || !readers.every(w => under(w.path, TABLE_PATH))) {
    violations.push(`StreamReadersWithinGuidance: ${readers.length} warnings, expected ${expectedReaders} (consumers ${config.consumers.length}, limit ${readersLimit})`);
  }

  // aws-cdk-lib warns once per app as soon as a cross-stack reference exists and the app has not
  // chosen a reference strength: the table reads its replica keys from the key stacks (README,
  // "Global tables", "Weak references").
  const crossStack = config.replicas.length > 0 && config.encryption === 'default';
  s.warnings.forEach((w, i) => {
    if (crossStack && w.path === STACK_ID && w.text.includes('@aws-cdk/core:defaultCrossStackReferences')) {
      explained.add(i);
    }
  });

  // A stack whose alarm topic nobody is subscribed to records it once, on the topic (README,
  // "Where alarms go"); the generated configurations subscribe nobody.
  s.warnings.forEach((w, i) => {
    if (w.path.endsWith('/DynamoDbKitAlarms') && w.text.includes(ack('DynamoDbChecks::AlarmTopicSubscribed'))) {
      explained.add(i);
    }
  });

  s.warnings.forEach((w, i) => {
    if (!explained.has(i)) {
      violations.push(`unexpected warning on ${w.path}: ${w.text}`);
    }
  });
  return violations;
}

// ---------------------------------------------------------------------------------------------
// Alarms
// ---------------------------------------------------------------------------------------------

/**
 * Every alarm notifies someone (at least one AlarmActions entry), the table has alarms unless
 * `AlarmActions.none()`, and each alarm is within CloudWatch's PutMetricAlarm limits, which only a
 * deployment would otherwise find: AlarmDescription at most 1024 characters, at most 10 metrics
 * (MetricStat) in a metric-math alarm, metric ids `^[a-z][a-zA-Z0-9_]*$` of at most 255 characters,
 * expressions of at most 2048 characters, dimension values of 1-1024 characters
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html,
 * API_MetricDataQuery.html, API_Dimension.html).
 */
export function checkAlarms(config: TableConfig, s: Synthesized): string[] {
  const violations: string[] = [];
  let tableAlarms = 0;
  for (const [artifact, template] of s.templates) {
    for (const [logicalId, resource] of Object.entries<any>(template.Resources)) {
      if (resource.Type !== 'AWS::CloudWatch::Alarm') {
        continue;
      }
      const where = s.paths.get(`${artifact}/${logicalId}`) ?? `${artifact}/${logicalId}`;
      const p = resource.Properties;
      if (under(where, `${TABLE_PATH}/Alarms`)) {
        tableAlarms++;
      }
      if (!Array.isArray(p.AlarmActions) || p.AlarmActions.length === 0) {
        violations.push(`alarm ${where} has no AlarmActions`);
      }
      if (typeof p.AlarmDescription === 'string' && p.AlarmDescription.length > 1024) {
        violations.push(`alarm ${where}: AlarmDescription has ${p.AlarmDescription.length} characters, CloudWatch allows 1024`);
      }
      const metrics: any[] = p.Metrics ?? [];
      const stats = metrics.filter(m => m.MetricStat !== undefined);
      if (stats.length > 10) {
        violations.push(`alarm ${where} has ${stats.length} metrics, CloudWatch allows 10`);
      }
      for (const m of metrics) {
        if (typeof m.Id !== 'string' || !/^[a-z][a-zA-Z0-9_]*$/.test(m.Id) || m.Id.length > 255) {
          violations.push(`alarm ${where}: metric id ${JSON.stringify(m.Id)} is not a valid MetricDataQuery id`);
        }
        if (typeof m.Expression === 'string' && m.Expression.length > 2048) {
          violations.push(`alarm ${where}: expression of ${m.Expression.length} characters, CloudWatch allows 2048`);
        }
      }
      const dimensions = [...(p.Dimensions ?? []), ...stats.flatMap(m => m.MetricStat.Metric.Dimensions ?? [])];
      for (const d of dimensions) {
        if (typeof d.Value === 'string' && (d.Value.length < 1 || d.Value.length > 1024)) {
          violations.push(`alarm ${where}: dimension ${d.Name} value of ${d.Value.length} characters`);
        }
      }
    }
  }
  if (loosenedIn(config).alarms ? tableAlarms !== 0 : tableAlarms === 0) {
    violations.push(`${tableAlarms} table alarms, expected ${loosenedIn(config).alarms ? 'none' : 'some'}`);
  }
  return violations;
}

// ---------------------------------------------------------------------------------------------
// Wildcard allows
// ---------------------------------------------------------------------------------------------

/**
 * Actions that support no resource-level permissions and that the library grants on `"*"` in an
 * identity policy, each with a row in the README compliance table (`AwsSolutions-IAM5[Resource::*]`):
 * the stream consumer's `dynamodb:ListStreams` and the backup role's `tag:GetResources`.
 */
const DOCUMENTED_STAR_RESOURCE_ACTIONS = new Set(['dynamodb:ListStreams', 'tag:GetResources']);

/**
 * The rule, precisely. A statement is a wildcard allow when its Effect is Allow and it has
 * `NotAction` or `NotResource`, a Resource of `"*"`, or an Action with `*` in it. Statements are
 * read from every policy document in every template (anything with a `Statement` list under a
 * resource's Properties): identity policies (ManagedPolicy, Policy, a Role's inline policies),
 * key policies, the endpoint policy and the other resource policies. A wildcard allow passes only as:
 *
 * - identity policy: Resource `"*"` when every action is one of DOCUMENTED_STAR_RESOURCE_ACTIONS;
 *   no wildcard action at all;
 * - KMS key policy: Resource `"*"` always, because in a key policy it means the key itself; the
 *   action `kms:*` only for the account root principal (aws-cdk-lib's default statement, which
 *   delegates to IAM, checked above); `kms:GenerateDataKey*` only for service principals (the
 *   alarm topic's key: SNS and CloudWatch encrypt with it, AWS's documented key policy for an
 *   encrypted topic);
 * - VPC endpoint policy: never Resource `"*"` (README, "The endpoint policy": "Neither policy allows
 *   Resource: \"*\""); `dynamodb:*` only on resources other than `"*"` and only bounded by
 *   `aws:PrincipalAccount` (the documented data perimeter and tables-only policies);
 * - any other resource policy (topic, queue, table, vault): never.
 *
 * Resources of the user's own code, made by the test itself as the examples make them (see
 * `Built.userPaths`: the examples' handler grants X-Ray on "*" and its log key lets CloudWatch Logs
 * use `kms:Encrypt*`), are the user's to judge and are left out. What the library adds under them
 * (the gateway endpoint under the user's VPC, a grant on the user's role) is checked.
 */
export function checkWildcards(s: Synthesized): string[] {
  const violations: string[] = [];
  for (const [artifact, template] of s.templates) {
    for (const [logicalId, resource] of Object.entries<any>(template.Resources)) {
      const where = s.paths.get(`${artifact}/${logicalId}`) ?? `${artifact}/${logicalId}`;
      if (s.userPaths.has(where)) {
        continue;
      }
      const kind = policyKind(resource.Type);
      for (const statement of statementsIn(resource.Properties ?? {})) {
        const problem = judge(kind, statement);
        if (problem) {
          violations.push(`${resource.Type} ${where}: ${problem}: ${JSON.stringify(statement)}`);
        }
      }
    }
  }
  return violations;
}

type PolicyKind = 'identity' | 'key' | 'endpoint' | 'resource';

function policyKind(type: string): PolicyKind {
  switch (type) {
    case 'AWS::IAM::ManagedPolicy':
    case 'AWS::IAM::Policy':
    case 'AWS::IAM::Role':
    case 'AWS::IAM::User':
    case 'AWS::IAM::Group':
      return 'identity';
    case 'AWS::KMS::Key':
      return 'key';
    case 'AWS::EC2::VPCEndpoint':
      return 'endpoint';
    default:
      return 'resource';
  }
}

/** Every statement under `value`, except a role's trust policy (it grants sts:AssumeRole* to its principal, on no resource). */
function statementsIn(value: any, key = ''): any[] {
  if (value === null || typeof value !== 'object' || key === 'AssumeRolePolicyDocument') {
    return [];
  }
  if (Array.isArray(value.Statement)) {
    return value.Statement;
  }
  return Object.entries(value).flatMap(([k, v]) => statementsIn(v, k));
}

const list = (value: unknown): unknown[] => value === undefined ? [] : Array.isArray(value) ? value : [value];

function judge(kind: PolicyKind, statement: any): string | undefined {
  if (statement.Effect !== 'Allow') {
    return undefined;
  }
  if (statement.NotAction !== undefined || statement.NotResource !== undefined) {
    return 'Allow with NotAction/NotResource';
  }
  const actions = list(statement.Action).map(String);
  const starResource = list(statement.Resource).includes('*');
  const starActions = actions.filter(action => action.includes('*'));
  if (!starResource && starActions.length === 0) {
    return undefined;
  }
  switch (kind) {
    case 'identity':
      if (starActions.length > 0) {
        return `wildcard action ${starActions.join(', ')} in an identity policy`;
      }
      return actions.every(action => DOCUMENTED_STAR_RESOURCE_ACTIONS.has(action))
        ? undefined : 'Resource "*" for actions the README compliance table does not document';
    case 'key': {
      const principal = statement.Principal ?? {};
      const root = JSON.stringify(list(principal.AWS));
      const accountRoot = Object.keys(principal).join() === 'AWS' && list(principal.AWS).length === 1 && /:root"/.test(root)
        && (root.includes(`:iam::${ENV.account}:root`) || root.includes('"AWS::AccountId"'));
      const servicesOnly = Object.keys(principal).join() === 'Service';
      for (const action of starActions) {
        if (action === 'kms:*' && accountRoot) {
          continue;
        }
        if (action === 'kms:GenerateDataKey*' && servicesOnly) {
          continue;
        }
        return `wildcard action ${action} in a key policy for ${JSON.stringify(principal)}`;
      }
      return undefined;
    }
    case 'endpoint': {
      if (starResource) {
        return 'Resource "*" in the endpoint policy';
      }
      const bounded = JSON.stringify(statement.Condition ?? {}).includes('"aws:PrincipalAccount"');
      return starActions.every(action => action === 'dynamodb:*') && bounded
        ? undefined : `wildcard action ${starActions.join(', ')} in the endpoint policy without the perimeter condition`;
    }
    case 'resource':
      return `wildcard ${starResource ? 'resource' : `action ${starActions.join(', ')}`} in a resource policy`;
  }
}

// ---------------------------------------------------------------------------------------------
// Logical IDs
// ---------------------------------------------------------------------------------------------

export interface TableLogicalIds {
  readonly table: string;
  /** The library's key of the table; undefined when the encryption was given. */
  readonly key?: string;
}

/** The table's (and its default key's) logical IDs in a synthesized configuration. */
export function logicalIdsIn(s: Synthesized): TableLogicalIds {
  const template = s.templates.get(STACK_ID);
  const ids = (type: string, constructPath: string) => Object.entries<any>(template.Resources)
    .filter(([logicalId, r]) => r.Type === type && s.paths.get(`${STACK_ID}/${logicalId}`) === constructPath)
    .map(([logicalId]) => logicalId);
  const [table] = ids('AWS::DynamoDB::GlobalTable', `${TABLE_PATH}/Resource`);
  const [key] = ids('AWS::KMS::Key', `${STACK_ID}/${TABLE_ID}Key/Resource`);
  return { table, ...(key !== undefined ? { key } : {}) };
}

/**
 * The logical IDs of the same table with the same keys and no options, in the same kind of stack.
 * Read from the constructs without synthesizing (a tenth of the time): a logical ID that changed
 * only at synth would make this baseline differ from the option-free table's, so the comparison
 * can report a change that is not there, never hide one.
 */
export function baselineLogicalIds(config: TableConfig): TableLogicalIds {
  const app = new App();
  const stack = new Stack(app, STACK_ID, config.env ? { env: ENV } : {});
  const table = new ProductionTable(stack, TABLE_ID, tableProps(stack, config, true));
  const key = stack.node.findChild(`${TABLE_ID}Key`).node.defaultChild as CfnKey;
  return {
    table: stack.resolve((table.node.defaultChild as CfnElement).logicalId),
    key: stack.resolve(key.logicalId),
  };
}
