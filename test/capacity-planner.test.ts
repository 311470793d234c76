import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { CapacityPlanner, ProductionTable, ReadConsistency, Workload } from '../src';
import { agnosticStack, newStack, pk, sk } from './fixtures';
import { DynamoDbKitError } from '../src/private/errors';
import { fixedMonthlyCost } from '../src/private/fixed-cost';

const KB = 1024;
const plan = (workload: Partial<Workload>) =>
  CapacityPlanner.forWorkload({ readsPerSecond: 0, writesPerSecond: 0, itemSizeBytes: 1, ...workload });
const readUnits = (itemSizeBytes: number, readConsistency: ReadConsistency) =>
  plan({ itemSizeBytes, readConsistency }).readUnitsPerRead;
const writeUnits = (itemSizeBytes: number, transactionalWrites = false) =>
  plan({ itemSizeBytes, transactionalWrites }).writeUnitsPerWrite;

// A month as AWS pricing examples count it: 730 hours.
const SECONDS = 730 * 3600;

describe('units per item: the worked examples of the DynamoDB developer guide', () => {
  // "DynamoDB read and write operations", docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html (read 2026-12-01)
  test('"reading a 3,500-byte item consumes the same throughput as reading a 4 KB item"', () => {
    expect(readUnits(3500, ReadConsistency.STRONG)).toBe(1);
    expect(readUnits(4 * KB, ReadConsistency.STRONG)).toBe(1);
    expect(readUnits(3500, ReadConsistency.EVENTUAL)).toBe(0.5);
  });

  test('an 8 KB item: 2 read units strongly consistent, 1 eventually consistent, 4 in a transaction', () => {
    expect(readUnits(8 * KB, ReadConsistency.STRONG)).toBe(2);
    expect(readUnits(8 * KB, ReadConsistency.EVENTUAL)).toBe(1);
    expect(readUnits(8 * KB, ReadConsistency.TRANSACTIONAL)).toBe(4);
  });

  test('GetItem of a 10 KB item is rounded to 12 KB: 3 read units strongly consistent', () => {
    expect(readUnits(10 * KB, ReadConsistency.STRONG)).toBe(3);
  });

  test('BatchGetItem of 1.5 KB and 6.5 KB items is sized 12 KB (4 + 8), not 8: sizes round per item', () => {
    const perItem = readUnits(1.5 * KB, ReadConsistency.STRONG) + readUnits(6.5 * KB, ReadConsistency.STRONG);
    expect(perItem).toBe(12 / 4);
    expect(readUnits(8 * KB, ReadConsistency.STRONG)).toBe(2); // what summing first would wrongly give
  });

  test('a 2 KB item: 2 write units, 4 in a transaction', () => {
    expect(writeUnits(2 * KB)).toBe(2);
    expect(writeUnits(2 * KB, true)).toBe(4);
  });

  test('"writing a 500-byte item consumes the same throughput as writing a 1 KB item"; 1.6 KB rounds to 2 KB', () => {
    expect(writeUnits(500)).toBe(1);
    expect(writeUnits(1.6 * KB)).toBe(2);
  });

  test('BatchWriteItem of 500-byte and 3.5 KB items is sized 5 KB (1 + 4)', () => {
    expect(writeUnits(500) + writeUnits(3.5 * KB)).toBe(5);
  });

  // DynamoDB on-demand pricing page, "Write request unit" (aws.amazon.com/dynamodb/pricing/on-demand/, read 2026-12-01)
  test('a 3 KB item: 3 write request units, 6 in a transaction', () => {
    expect(writeUnits(3 * KB)).toBe(3);
    expect(writeUnits(3 * KB, true)).toBe(6);
  });
});

describe('capacity units for a rate', () => {
  test('80 eventually consistent reads a second of 6 KB items need 80 RCU (8 KB, half a unit per 4 KB)', () => {
    expect(plan({ readsPerSecond: 80, itemSizeBytes: 6 * KB }).readCapacityUnits).toBe(80);
    expect(plan({ readsPerSecond: 80, itemSizeBytes: 6 * KB, readConsistency: ReadConsistency.STRONG }).readCapacityUnits).toBe(160);
  });

  test('capacity rounds up once, over the rate: 3 eventually consistent reads of 1 KB need 2 RCU', () => {
    expect(plan({ readsPerSecond: 3, itemSizeBytes: KB }).readCapacityUnits).toBe(2);
  });

  test('transactional writes double the table\'s units, not the GSI copies\'', () => {
    // WHEN
    const result = plan({ writesPerSecond: 10, itemSizeBytes: 2 * KB, transactionalWrites: true, globalSecondaryIndexes: 2 });

    // THEN
    expect(result.writeCapacityUnits).toBe(10 * 2 * 2);
    expect(result.indexWriteCapacityUnits).toBe(10 * 2);
  });
});

describe('monthly cost estimates', () => {
  test('on demand: 100 writes a second of 1 KB for a month at $0.625 per million', () => {
    expect(plan({ writesPerSecond: 100, itemSizeBytes: KB }).onDemandMonthlyCost).toBeCloseTo(100 * SECONDS / 1e6 * 0.625, 6);
  });

  test('each GSI and each replica region writes every item again', () => {
    // GIVEN
    const single = plan({ writesPerSecond: 100, itemSizeBytes: KB });

    // WHEN
    const indexed = plan({ writesPerSecond: 100, itemSizeBytes: KB, globalSecondaryIndexes: 2 });
    const global = plan({ writesPerSecond: 100, itemSizeBytes: KB, globalSecondaryIndexes: 2, replicaRegions: 1 });

    // THEN
    expect(indexed.onDemandMonthlyCost).toBeCloseTo(3 * single.onDemandMonthlyCost, 6);
    expect(global.onDemandMonthlyCost).toBeCloseTo(2 * 3 * single.onDemandMonthlyCost, 6);
  });

  test('provisioned: capacity held all month at the peak\'s need over 70 % utilization', () => {
    // GIVEN 100 WCU on average, peak 1: maximum ceil(100 / 0.7) = 143; reads at the minimum 1
    const result = plan({ writesPerSecond: 100, itemSizeBytes: KB, peakFactor: 1 });

    // THEN
    expect(result.writeCapacity).toEqual({ minCapacity: 100, maxCapacity: 143, targetUtilizationPercent: 70 });
    expect(result.readCapacity).toEqual({ minCapacity: 1, maxCapacity: 1, targetUtilizationPercent: 70 });
    expect(result.provisionedMonthlyCost).toBeCloseTo(730 * (143 * 0.00065 + 1 * 0.00013), 6);
  });

  test('unit prices are options', () => {
    const result = plan({ writesPerSecond: 100, itemSizeBytes: KB, unitPrices: { writeRequestUnitsPerMillion: 1 } });
    expect(result.onDemandMonthlyCost).toBeCloseTo(100 * SECONDS / 1e6, 6);
  });

  test('the envelope: storage, PITR, 35 full backup copies, a key with two billed rotations, the alarm metrics', () => {
    // WHEN
    const result = plan({ tableSizeGiB: 10, alarmMetrics: 14 });

    // THEN
    expect(result.envelopeMonthlyCost).toBeCloseTo(10 * 0.25 + 10 * 0.20 + 35 * 10 * 0.10 + 3 * 1.0 + 14 * 0.10, 6);
    expect(plan({ tableSizeGiB: 10, alarmMetrics: 14, backupCopies: 5 }).envelopeMonthlyCost)
      .toBeCloseTo(result.envelopeMonthlyCost - 30 * 10 * 0.10, 6);
  });

  test('a replica region stores, recovers and encrypts a full copy of its own', () => {
    const single = plan({ tableSizeGiB: 10, backupCopies: 0 });
    const global = plan({ tableSizeGiB: 10, backupCopies: 0, replicaRegions: 1 });
    expect(global.envelopeMonthlyCost).toBeCloseTo(2 * single.envelopeMonthlyCost, 6);
  });
});

describe('the recommendation and the billing it produces', () => {
  test('steady traffic: provisioned, autoscaled from the average to the peak at 70 %', () => {
    // WHEN
    const result = plan({ readsPerSecond: 500, writesPerSecond: 100, itemSizeBytes: KB, peakFactor: 1.5 });

    // THEN
    expect(result.provisionedMonthlyCost).toBeLessThan(result.onDemandMonthlyCost);
    expect(result.recommendedBillingMode).toBe(dynamodb.BillingMode.PROVISIONED);
    const stack = new Stack();
    new dynamodb.TableV2(stack, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING }, billing: result.billing });
    Template.fromStack(stack).hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      BillingMode: 'PROVISIONED',
      WriteProvisionedThroughputSettings: {
        WriteCapacityAutoScalingSettings: {
          MinCapacity: 100, MaxCapacity: 215, TargetTrackingScalingPolicyConfiguration: { TargetValue: 70 },
        },
      },
      Replicas: [Match.objectLike({
        ReadProvisionedThroughputSettings: {
          ReadCapacityAutoScalingSettings: {
            MinCapacity: 250, MaxCapacity: 536, TargetTrackingScalingPolicyConfiguration: { TargetValue: 70 },
          },
        },
      })],
    });
  });

  test('spiky traffic: on demand', () => {
    const result = plan({ readsPerSecond: 500, writesPerSecond: 100, itemSizeBytes: KB, peakFactor: 4 });

    expect(result.provisionedMonthlyCost).toBeGreaterThan(result.onDemandMonthlyCost);
    expect(result.recommendedBillingMode).toBe(dynamodb.BillingMode.PAY_PER_REQUEST);
    const stack = new Stack();
    new dynamodb.TableV2(stack, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING }, billing: result.billing });
    Template.fromStack(stack).hasResourceProperties('AWS::DynamoDB::GlobalTable', { BillingMode: 'PAY_PER_REQUEST' });
  });

  test('an idle workload still gets bounds Capacity.autoscaled accepts: at least 1, max at least min', () => {
    const result = plan({ peakFactor: 1 });
    expect(result.readCapacity).toEqual({ minCapacity: 1, maxCapacity: 1, targetUtilizationPercent: 70 });
    expect(result.writeCapacity).toEqual({ minCapacity: 1, maxCapacity: 1, targetUtilizationPercent: 70 });
  });
});

describe('validation', () => {
  test.each<[string, Partial<Workload>, string]>([
    ['items over 400 KB', { itemSizeBytes: 500000 }, 'workload.itemSizeBytes must be between 1 and 409600, got 500000'],
    ['empty items', { itemSizeBytes: 0 }, 'workload.itemSizeBytes must be between 1 and 409600, got 0'],
    ['a negative read rate', { readsPerSecond: -1 }, 'workload.readsPerSecond must be a finite number of at least 0, got -1'],
    ['a NaN write rate', { writesPerSecond: NaN }, 'workload.writesPerSecond must be a finite number of at least 0, got NaN'],
    ['an infinite read rate', { readsPerSecond: Infinity }, 'workload.readsPerSecond must be a finite number of at least 0, got Infinity'],
    ['a peak below the average', { peakFactor: 0.5 }, 'workload.peakFactor must be a finite number of at least 1, got 0.5'],
    ['an unknown consistency', { readConsistency: 'SOMETIMES' as ReadConsistency },
      "workload.readConsistency must be one of 'EVENTUAL', 'STRONG', 'TRANSACTIONAL', got 'SOMETIMES'"],
    ['a fraction of a GSI', { globalSecondaryIndexes: 1.5 }, 'workload.globalSecondaryIndexes must be a whole number between 0 and 20, got 1.5'],
    ['a negative replica count', { replicaRegions: -1 }, 'workload.replicaRegions must be a whole number'],
    ['a negative table size', { tableSizeGiB: -5 }, 'workload.tableSizeGiB must be a finite number of at least 0, got -5'],
    ['a negative price', { unitPrices: { readRequestUnitsPerMillion: -0.1 } },
      'workload.unitPrices.readRequestUnitsPerMillion must be a finite number of at least 0, got -0.1'],
  ])('refuses %s, naming the input', (_name, workload, message) => {
    expect(() => plan({ itemSizeBytes: KB, ...workload })).toThrow(DynamoDbKitError);
    expect(() => plan({ itemSizeBytes: KB, ...workload })).toThrow(message);
  });

  test('accepts an item of exactly 400 KB', () => {
    expect(plan({ itemSizeBytes: 409600, writesPerSecond: 1 }).writeUnitsPerWrite).toBe(400);
  });
});

describe('ProductionTable with a workload', () => {
  const steady: Workload = { readsPerSecond: 500, writesPerSecond: 100, itemSizeBytes: KB, peakFactor: 1.5 };
  const stack = newStack();
  new ProductionTable(stack, 'Orders', { partitionKey: pk, sortKey: sk, workload: steady });

  test('records the recommendation as info: the mode, the units and both estimates', () => {
    const expected = CapacityPlanner.forWorkload(steady);
    Annotations.fromStack(stack).hasInfo('/Stack/Orders', Match.stringLikeRegexp(
      `recommends provisioned billing: ${expected.readCapacityUnits} RCU and ${expected.writeCapacityUnits} WCU.*` +
      `on demand \\$${expected.onDemandMonthlyCost.toFixed(2)}, provisioned at most \\$${expected.provisionedMonthlyCost.toFixed(2)}`));
  });

  test('the envelope counts the table\'s own alarm metrics, as the template bills them', () => {
    const alarmLine = fixedMonthlyCost(Template.fromStack(stack).toJSON()).lines.find(line => /standard-resolution alarm/.test(line.what))!;
    const envelope = 3 * 1.0 + alarmLine.count * 0.10;
    Annotations.fromStack(stack).hasInfo('/Stack/Orders', Match.stringLikeRegexp(`plus \\$${envelope.toFixed(2)} for storage`));
  });

  test('does not change the billing: the table stays on demand', () => {
    Template.fromStack(stack).hasResourceProperties('AWS::DynamoDB::GlobalTable', { BillingMode: 'PAY_PER_REQUEST' });
  });

  test('refuses a bad workload with the planner\'s error', () => {
    const other = agnosticStack('Other');
    expect(() => new ProductionTable(other, 'Orders', { partitionKey: pk, workload: { ...steady, itemSizeBytes: 500000 } }))
      .toThrow('workload.itemSizeBytes must be between 1 and 409600, got 500000');
  });

  test('without a workload there is no capacity annotation', () => {
    const plain = agnosticStack('Plain');
    new ProductionTable(plain, 'Orders', { partitionKey: pk });
    expect(Annotations.fromStack(plain).findInfo('*', Match.stringLikeRegexp('CapacityPlanner'))).toHaveLength(0);
  });
});
