import * as fs from 'fs';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { ProductionTable, ProductionTableProps } from '../src';
import { newStack, pk, sk } from './fixtures';
import { FixedCost, fixedMonthlyCost } from '../src/private/fixed-cost';
import { US_EAST_1 } from '../src/private/prices';


function synth(props: Partial<ProductionTableProps> = {}): any {
  const stack = newStack();
  new ProductionTable(stack, 'Orders', { partitionKey: pk, sortKey: sk, ...props });
  return Template.fromStack(stack).toJSON();
}

function count(cost: FixedCost, what: RegExp): number {
  return cost.lines.find(line => what.test(line.what))?.count ?? 0;
}

/** Alarm metrics, counted here straight from the template: the MetricStat entries, or 1 for a plain alarm. */
function alarmMetricsIn(template: any): number {
  return Object.values<any>(template.Resources)
    .filter(resource => resource.Type === 'AWS::CloudWatch::Alarm')
    .reduce((sum, alarm) => sum + (alarm.Properties.Metrics
      ? alarm.Properties.Metrics.filter((query: any) => query.MetricStat).length
      : 1), 0);
}

function expectTotalIsSumOfLines(cost: FixedCost): void {
  for (const line of cost.lines) {
    expect(line.monthly).toBeCloseTo(line.count * line.unitPrice, 10);
  }
  expect(cost.total).toBeCloseTo(cost.lines.reduce((sum, line) => sum + line.count * line.unitPrice, 0), 10);
}

// Two synths for the whole file: each takes seconds on a shared machine.
const defaultTemplate = synth();
const provisionedTemplate = synth({
  sortKey: undefined,
  billing: dynamodb.Billing.provisioned({
    readCapacity: dynamodb.Capacity.autoscaled({ maxCapacity: 50 }),
    writeCapacity: dynamodb.Capacity.autoscaled({ maxCapacity: 20 }),
  }),
  globalSecondaryIndexes: [{ indexName: 'byCustomer', partitionKey: { name: 'customer', type: dynamodb.AttributeType.STRING }, sortKey: sk }],
});

describe('fixedMonthlyCost of a default ProductionTable stack', () => {
  const cost = fixedMonthlyCost(defaultTemplate);

  test('counts three rotating keys: the table key, the backup vault key and the alarm topic key', () => {
    // WHEN / THEN
    expect(count(cost, /KMS customer managed keys/)).toBe(3);
    expect(count(cost, /KMS key rotations/)).toBe(3 * 2);
  });

  test('counts every metric each alarm reads, as CloudWatch bills them', () => {
    expect(count(cost, /standard-resolution alarm metrics/)).toBe(alarmMetricsIn(defaultTemplate));
    expect(count(cost, /standard-resolution alarm metrics/)).toBeGreaterThan(
      Object.values<any>(defaultTemplate.Resources).filter(resource => resource.Type === 'AWS::CloudWatch::Alarm').length);
  });

  test('counts two Contributor Insights rules: throttled partition keys and throttled partition+sort keys', () => {
    expect(count(cost, /Contributor Insights rules/)).toBe(2);
  });

  test('the total is the sum of count × price, at the price module\'s prices', () => {
    expectTotalIsSumOfLines(cost);
    expect(cost.lines.find(line => /KMS customer managed keys/.test(line.what))?.unitPrice).toBe(US_EAST_1.kmsKeyMonth.usd);
    expect(cost.lines.find(line => /alarm metrics/.test(line.what))?.unitPrice).toBe(US_EAST_1.alarmMetricMonth.usd);
  });

  test('in their first year the keys cost the key-month only: no rotation is billed yet', () => {
    // WHEN
    const firstYear = fixedMonthlyCost(defaultTemplate, { keyAge: 'first-year' });

    // THEN
    expect(count(firstYear, /KMS key rotations/)).toBe(0);
    expect(cost.total - firstYear.total).toBeCloseTo(3 * 2 * US_EAST_1.kmsRotationMonth.usd, 10);
  });
});

describe('fixedMonthlyCost of a provisioned ProductionTable with a GSI', () => {
  const cost = fixedMonthlyCost(provisionedTemplate);

  test('counts the rules of the table (partition key only) and of the GSI (partition and sort key)', () => {
    expect(count(cost, /Contributor Insights rules/)).toBe(1 + 2);
  });

  test('counts the metrics of every alarm, the GSI\'s included', () => {
    expect(count(cost, /standard-resolution alarm metrics/)).toBe(alarmMetricsIn(provisionedTemplate));
    expect(count(cost, /standard-resolution alarm metrics/)).toBeGreaterThan(count(fixedMonthlyCost(defaultTemplate), /alarm metrics/));
  });

  test('the total is the sum of count × price', () => {
    expect(count(cost, /KMS customer managed keys/)).toBe(3);
    expectTotalIsSumOfLines(cost);
  });
});

describe('fixedMonthlyCost rules on hand-made templates', () => {
  const alarm = (properties: any) => ({ Type: 'AWS::CloudWatch::Alarm', Properties: properties });
  const stat = (period: number) => ({ Id: 'm', MetricStat: { Metric: { MetricName: 'X', Namespace: 'N' }, Period: period, Stat: 'Sum' } });

  test('a metric-math alarm counts its metrics, not its expression; a plain alarm counts one', () => {
    // GIVEN
    const template = {
      Resources: {
        Math: alarm({ Metrics: [{ Id: 'e', Expression: 'm0 + m1' }, stat(60), stat(60)] }),
        Plain: alarm({ MetricName: 'X', Namespace: 'N', Period: 300 }),
      },
    };

    // WHEN
    const cost = fixedMonthlyCost(template);

    // THEN
    expect(count(cost, /standard-resolution alarm metrics/)).toBe(3);
    expect(cost.total).toBeCloseTo(3 * US_EAST_1.alarmMetricMonth.usd, 10);
  });

  test('an alarm with a period under a minute is priced as high resolution', () => {
    const cost = fixedMonthlyCost({ Resources: { Fast: alarm({ Metrics: [stat(10)] }) } });

    expect(count(cost, /high-resolution alarm metrics/)).toBe(1);
    expect(count(cost, /standard-resolution/)).toBe(0);
    expect(cost.total).toBeCloseTo(US_EAST_1.highResolutionAlarmMetricMonth.usd, 10);
  });

  test('accessed-and-throttled mode makes twice the rules, each replica has its own, disabled makes none', () => {
    // GIVEN
    const keySchema = [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }];
    const replica = (region: string, specification: any) => ({ Region: region, ContributorInsightsSpecification: specification });
    const template = {
      Resources: {
        T: {
          Type: 'AWS::DynamoDB::GlobalTable',
          Properties: {
            KeySchema: keySchema,
            Replicas: [
              replica('us-east-1', { Enabled: true }),
              replica('eu-west-1', { Enabled: true, Mode: 'ACCESSED_AND_THROTTLED_KEYS' }),
              replica('ap-south-1', { Enabled: false, Mode: 'THROTTLED_KEYS' }),
            ],
          },
        },
      },
    };

    // WHEN / THEN
    expect(count(fixedMonthlyCost(template), /Contributor Insights rules/)).toBe(4 + 4 + 0);
  });

  test('a Table resource counts its own and its GSIs\' rules', () => {
    const template = {
      Resources: {
        T: {
          Type: 'AWS::DynamoDB::Table',
          Properties: {
            KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
            ContributorInsightsSpecification: { Enabled: true, Mode: 'THROTTLED_KEYS' },
            GlobalSecondaryIndexes: [{
              IndexName: 'byX',
              KeySchema: [{ AttributeName: 'x', KeyType: 'HASH' }, { AttributeName: 'y', KeyType: 'RANGE' }],
              ContributorInsightsSpecification: { Enabled: true },
            }],
          },
        },
      },
    };

    expect(count(fixedMonthlyCost(template), /Contributor Insights rules/)).toBe(1 + 4);
  });

  test('a key without rotation costs the key-month only; a dashboard costs the dashboard price', () => {
    const cost = fixedMonthlyCost({
      Resources: {
        Key: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: false } },
        Board: { Type: 'AWS::CloudWatch::Dashboard', Properties: {} },
      },
    });

    expect(count(cost, /KMS key rotations/)).toBe(0);
    expect(cost.total).toBeCloseTo(US_EAST_1.kmsKeyMonth.usd + US_EAST_1.dashboardMonth.usd, 10);
  });
});

describe('the README\'s cost figures', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');

  function figure(label: string): number {
    const match = new RegExp(`\\| ${label} \\|[^|]*\\| \\$(\\d+\\.\\d\\d) \\|`).exec(readme);
    if (!match) {
      throw new Error(`README has no cost row '${label}'`);
    }
    return Number(match[1]);
  }

  test('the fixed monthly cost of a default table stack is what the template costs', () => {
    expect(figure('a default table and its stack\'s shared parts')).toBe(Number(fixedMonthlyCost(defaultTemplate).total.toFixed(2)));
  });

  test('the first-year figure is what the template costs before any rotation', () => {
    expect(figure('the same, in the keys\' first year')).toBe(
      Number(fixedMonthlyCost(defaultTemplate, { keyAge: 'first-year' }).total.toFixed(2)));
  });
});
