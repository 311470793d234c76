import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { addCloudFormationValidate } from './cfn-validate';
import { addComplianceChecks } from '../examples/compliance';

/** One finding of a validation report. */
export interface Finding {
  readonly plugin: string;
  readonly rule: string;
  readonly constructs: string[];
  /** Set when the finding was acknowledged. */
  readonly acknowledgedId?: string;
  readonly reason?: string;
}

/** What the compliance plugins said about an app. */
export interface ComplianceResult {
  readonly unacknowledged: Finding[];
  readonly acknowledged: Finding[];
}

/** Which checks besides the seven compliance plugins run. */
export interface CheckOptions {
  /**
   * Also aws-cdk-lib's CloudFormation Validate (cfn-lint schema rules), which `cdk synth` runs by
   * default. Its engine costs about 7 s to start in each test file, so a file whose templates the
   * compliance scenarios (test/compliance.test.ts) already put through it may leave it out.
   * @default true
   */
  readonly schema?: boolean;
}

/**
 * Synthesizes an app with every compliance plugin registered (five cdk-nag packs, the Control
 * Tower rules and DynamoDbChecks), and aws-cdk-lib's CloudFormation Validate (cfn-lint schema rules),
 * and reads `validation-report.json`, which is where acknowledged findings and their reasons are recorded.
 */
export function synthWithChecks(build: (app: App) => void, options: CheckOptions = {}): ComplianceResult {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-dynamodb-kit-'));
  const app = new App({ outdir });
  addComplianceChecks(app);
  if (options.schema ?? true) {
    addCloudFormationValidate(app);
  }
  build(app);
  try {
    app.synth();
  } catch (error) {
    if (!fs.existsSync(path.join(outdir, 'validation-report.json'))) {
      throw error;
    }
  }
  return readReport(path.join(outdir, 'validation-report.json'));
}

function readReport(file: string): ComplianceResult {
  if (!fs.existsSync(file)) {
    return { unacknowledged: [], acknowledged: [] };
  }
  const report = JSON.parse(fs.readFileSync(file, 'utf-8'));
  const unacknowledged: Finding[] = [];
  const acknowledged: Finding[] = [];
  for (const plugin of report.pluginReports ?? []) {
    for (const violation of plugin.violations ?? []) {
      unacknowledged.push(finding(plugin.pluginName, violation));
    }
    for (const violation of plugin.suppressedViolations ?? []) {
      acknowledged.push(finding(plugin.pluginName, violation));
    }
  }
  return { unacknowledged, acknowledged };
}

function finding(plugin: string, violation: any): Finding {
  return {
    plugin,
    rule: violation.ruleName,
    constructs: (violation.violatingConstructs ?? []).map((c: any) => c.constructPath),
    acknowledgedId: violation.acknowledgedId,
    reason: violation.reason,
  };
}

/** A readable list of findings, for failure messages. */
export function listFindings(findings: Finding[]): string {
  return findings.map(f => `${f.plugin} ${f.rule} at ${f.constructs.join(', ')}`).join('\n');
}
