import * as fs from 'fs';
import * as path from 'path';
import { DynamoDbChecks } from '../../src';

// The README's control-by-control table: its last column names the DynamoDbChecks rule for each
// control, or says why none can check it at synth.
const SECTION = '## DynamoDbChecks, control by control';
// Names the reasons quote that are CloudFormation's or AWS Config's, not rules.
const NOT_RULES = ['BillingMode', 'LatestRestoreExecutionTimeMinutes'];

function mappingRows(): string[][] {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf-8');
  const start = readme.indexOf(SECTION);
  expect(start).toBeGreaterThan(-1);
  const body = readme.slice(start + SECTION.length);
  const section = body.slice(0, body.search(/^## /m));
  const rows = section.split('\n').filter(line => line.startsWith('|')).map(line => line.split(/(?<!\\)\|/).slice(1, -1).map(cell => cell.trim()));
  // Drop the header and the separator.
  return rows.slice(2);
}

function rulesIn(cell: string): string[] {
  return [...cell.matchAll(/`([A-Z][a-z]+(?:[A-Z][a-z]+)+)`/g)].map(match => match[1]).filter(name => !NOT_RULES.includes(name));
}

const rules = new DynamoDbChecks().ruleIds ?? [];
const rows = mappingRows();

test('the table has a row per control, each with eight columns', () => {
  expect(rows.length).toBeGreaterThanOrEqual(20);
  for (const row of rows) {
    expect(row).toHaveLength(8);
  }
});

test.each(rows.map(row => [row[0], row[7]]))('"%s" names rules that exist, or says why none checks it', (_, verdict) => {
  if (/^not (checkable at synth|enforced|checked)/.test(verdict)) {
    // A reason follows the colon or the comma
    expect(verdict).toMatch(/^not [^:,]+[:,] \S.{20,}/);
  } else {
    expect(verdict).toMatch(/^`[A-Z]/);
    expect(rulesIn(verdict).length).toBeGreaterThan(0);
  }
  for (const rule of rulesIn(verdict)) {
    expect(rules).toContain(rule);
  }
});

test('every rule of the plugin maps to at least one control', () => {
  const named = new Set(rows.flatMap(row => rulesIn(row[7])));
  expect(rules.filter(rule => !named.has(rule))).toEqual([]);
});
