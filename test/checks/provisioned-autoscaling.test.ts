import { Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { ENV, findingsOf, logicalId, newStack, PK } from './helpers';

const RULE = 'ProvisionedCapacityAutoscaled';
const SK: dynamodb.Attribute = { name: 'sk', type: dynamodb.AttributeType.STRING };
const AUTOSCALED = dynamodb.Capacity.autoscaled({ maxCapacity: 10 });

describe('TableV2 (AWS::DynamoDB::GlobalTable)', () => {
  test('passes on demand', () => {
    const stack = newStack();
    new dynamodb.TableV2(stack, 'Table', { partitionKey: PK, billing: dynamodb.Billing.onDemand() });

    expect(findingsOf(stack, RULE)).toEqual([]);
  });

  test('fails at the replica read capacity when reads are fixed', () => {
    const stack = newStack();
    const table = new dynamodb.TableV2(stack, 'Table', {
      partitionKey: PK,
      billing: dynamodb.Billing.provisioned({ readCapacity: dynamodb.Capacity.fixed(5), writeCapacity: AUTOSCALED }),
    });

    expect(findingsOf(stack, RULE)).toEqual([{
      resourceLogicalId: logicalId(table),
      locations: ['Properties/Replicas/0/ReadProvisionedThroughputSettings'],
    }]);
  });

  test('passes with reads and writes autoscaled on the table and its index', () => {
    const stack = newStack();
    new dynamodb.TableV2(stack, 'Table', {
      partitionKey: PK,
      billing: dynamodb.Billing.provisioned({ readCapacity: AUTOSCALED, writeCapacity: AUTOSCALED }),
      globalSecondaryIndexes: [{ indexName: 'gsi', partitionKey: SK }],
    });

    expect(findingsOf(stack, RULE)).toEqual([]);
  });

  test('fails at the index whose reads are fixed', () => {
    const stack = newStack();
    const table = new dynamodb.TableV2(stack, 'Table', {
      partitionKey: PK,
      billing: dynamodb.Billing.provisioned({ readCapacity: AUTOSCALED, writeCapacity: AUTOSCALED }),
      globalSecondaryIndexes: [{ indexName: 'gsi', partitionKey: SK, readCapacity: dynamodb.Capacity.fixed(5) }],
    });

    expect(findingsOf(stack, RULE)).toEqual([{
      resourceLogicalId: logicalId(table),
      locations: ['Properties/Replicas/0/GlobalSecondaryIndexes/0/ReadProvisionedThroughputSettings'],
    }]);
  });

  test('fails at the index without write autoscaling', () => {
    // aws-cdk-lib refuses fixed writes on a TableV2 (CloudFormation requires write autoscaling on a
    // provisioned global table), so only a hand-edited template gets here
    const stack = newStack();
    const table = new dynamodb.TableV2(stack, 'Table', {
      partitionKey: PK,
      billing: dynamodb.Billing.provisioned({ readCapacity: AUTOSCALED, writeCapacity: AUTOSCALED }),
      globalSecondaryIndexes: [{ indexName: 'first', partitionKey: SK }, { indexName: 'second', partitionKey: SK }],
    });
    (table.node.defaultChild as dynamodb.CfnGlobalTable)
      .addPropertyDeletionOverride('GlobalSecondaryIndexes.1.WriteProvisionedThroughputSettings');

    // Writes are set once per index for all replicas: the location is the index's position
    expect(findingsOf(stack, RULE)).toEqual([{
      resourceLogicalId: logicalId(table),
      locations: ['Properties/GlobalSecondaryIndexes/1/WriteProvisionedThroughputSettings'],
    }]);
  });

  test('fails only at the replica whose reads are fixed', () => {
    // GIVEN autoscaled reads on the primary (us-east-1), and fixed reads on the us-west-2 replica
    const stack = newStack(ENV);
    const table = new dynamodb.TableV2(stack, 'Table', {
      partitionKey: PK,
      billing: dynamodb.Billing.provisioned({ readCapacity: AUTOSCALED, writeCapacity: AUTOSCALED }),
      replicas: [{ region: 'us-west-2', readCapacity: dynamodb.Capacity.fixed(5) }],
    });

    // THEN aws-cdk-lib renders the replicas before the primary: Replicas/0 is us-west-2
    expect(findingsOf(stack, RULE)).toEqual([{
      resourceLogicalId: logicalId(table),
      locations: ['Properties/Replicas/0/ReadProvisionedThroughputSettings'],
    }]);
  });
});

describe('Table (AWS::DynamoDB::Table)', () => {
  test('passes on demand', () => {
    const stack = newStack();
    new dynamodb.Table(stack, 'Table', { partitionKey: PK, billingMode: dynamodb.BillingMode.PAY_PER_REQUEST });

    expect(findingsOf(stack, RULE)).toEqual([]);
  });

  test('fails at the reads and writes of the table and its index when nothing scales', () => {
    const stack = newStack();
    const table = new dynamodb.Table(stack, 'Table', { partitionKey: PK, billingMode: dynamodb.BillingMode.PROVISIONED });
    table.addGlobalSecondaryIndex({ indexName: 'gsi', partitionKey: SK });

    expect(findingsOf(stack, RULE)).toEqual([{
      resourceLogicalId: logicalId(table),
      locations: [
        'Properties/ProvisionedThroughput/ReadCapacityUnits',
        'Properties/GlobalSecondaryIndexes/0/ProvisionedThroughput/ReadCapacityUnits',
        'Properties/ProvisionedThroughput/WriteCapacityUnits',
        'Properties/GlobalSecondaryIndexes/0/ProvisionedThroughput/WriteCapacityUnits',
      ],
    }]);
  });

  test('passes when the table and its index scale reads and writes', () => {
    const stack = newStack();
    const table = new dynamodb.Table(stack, 'Table', { partitionKey: PK, billingMode: dynamodb.BillingMode.PROVISIONED });
    table.addGlobalSecondaryIndex({ indexName: 'gsi', partitionKey: SK });
    table.autoScaleReadCapacity({ minCapacity: 1, maxCapacity: 10 }).scaleOnUtilization({ targetUtilizationPercent: 70 });
    table.autoScaleWriteCapacity({ minCapacity: 1, maxCapacity: 10 }).scaleOnUtilization({ targetUtilizationPercent: 70 });
    table.autoScaleGlobalSecondaryIndexReadCapacity('gsi', { minCapacity: 1, maxCapacity: 10 })
      .scaleOnUtilization({ targetUtilizationPercent: 70 });
    table.autoScaleGlobalSecondaryIndexWriteCapacity('gsi', { minCapacity: 1, maxCapacity: 10 })
      .scaleOnUtilization({ targetUtilizationPercent: 70 });

    expect(findingsOf(stack, RULE)).toEqual([]);
  });

  test('fails only at the index when only the table scales', () => {
    const stack = newStack();
    const table = new dynamodb.Table(stack, 'Table', { partitionKey: PK, billingMode: dynamodb.BillingMode.PROVISIONED });
    table.addGlobalSecondaryIndex({ indexName: 'gsi', partitionKey: SK });
    table.autoScaleReadCapacity({ minCapacity: 1, maxCapacity: 10 }).scaleOnUtilization({ targetUtilizationPercent: 70 });
    table.autoScaleWriteCapacity({ minCapacity: 1, maxCapacity: 10 }).scaleOnUtilization({ targetUtilizationPercent: 70 });

    expect(findingsOf(stack, RULE)).toEqual([{
      resourceLogicalId: logicalId(table),
      locations: [
        'Properties/GlobalSecondaryIndexes/0/ProvisionedThroughput/ReadCapacityUnits',
        'Properties/GlobalSecondaryIndexes/0/ProvisionedThroughput/WriteCapacityUnits',
      ],
    }]);
  });

  test('fails only at the table when only the index scales', () => {
    const stack = newStack();
    const table = new dynamodb.Table(stack, 'Table', { partitionKey: PK, billingMode: dynamodb.BillingMode.PROVISIONED });
    table.addGlobalSecondaryIndex({ indexName: 'gsi', partitionKey: SK });
    table.autoScaleGlobalSecondaryIndexReadCapacity('gsi', { minCapacity: 1, maxCapacity: 10 })
      .scaleOnUtilization({ targetUtilizationPercent: 70 });
    table.autoScaleGlobalSecondaryIndexWriteCapacity('gsi', { minCapacity: 1, maxCapacity: 10 })
      .scaleOnUtilization({ targetUtilizationPercent: 70 });

    expect(findingsOf(stack, RULE)).toEqual([{
      resourceLogicalId: logicalId(table),
      locations: ['Properties/ProvisionedThroughput/ReadCapacityUnits', 'Properties/ProvisionedThroughput/WriteCapacityUnits'],
    }]);
  });

  test('does not count one table\'s scaling for another', () => {
    // GIVEN two provisioned tables, and only the first scales
    const stack = newStack();
    const scaled = new dynamodb.Table(stack, 'Scaled', { partitionKey: PK });
    scaled.autoScaleReadCapacity({ minCapacity: 1, maxCapacity: 10 }).scaleOnUtilization({ targetUtilizationPercent: 70 });
    scaled.autoScaleWriteCapacity({ minCapacity: 1, maxCapacity: 10 }).scaleOnUtilization({ targetUtilizationPercent: 70 });
    const fixed = new dynamodb.Table(stack, 'Fixed', { partitionKey: PK });

    expect(findingsOf(stack, RULE)).toEqual([{
      resourceLogicalId: logicalId(fixed),
      locations: ['Properties/ProvisionedThroughput/ReadCapacityUnits', 'Properties/ProvisionedThroughput/WriteCapacityUnits'],
    }]);
  });
});

describe('AWS::DynamoDB::GlobalTable without BillingMode', () => {
  // CloudFormation bills a global table without BillingMode as PROVISIONED:
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-dynamodb-globaltable.html#cfn-dynamodb-globaltable-billingmode
  const AUTOSCALING_SETTINGS = { MinCapacity: 1, MaxCapacity: 10, TargetTrackingScalingPolicyConfiguration: { TargetValue: 70 } };

  function globalTableWithoutBillingMode(stack: Stack): dynamodb.CfnGlobalTable {
    return new dynamodb.CfnGlobalTable(stack, 'Table', {
      attributeDefinitions: [{ attributeName: 'pk', attributeType: 'S' }],
      keySchema: [{ attributeName: 'pk', keyType: 'HASH' }],
      replicas: [{ region: 'us-east-1' }],
    });
  }

  test('fails at the writes and the replica reads when nothing scales', () => {
    // GIVEN a global table that leaves BillingMode out and has no autoscaling settings
    const stack = newStack(ENV);
    const table = globalTableWithoutBillingMode(stack);

    // THEN it is judged as provisioned, and both capacity settings are missing
    expect(findingsOf(stack, RULE)).toEqual([{
      resourceLogicalId: logicalId(table),
      locations: ['Properties/WriteProvisionedThroughputSettings', 'Properties/Replicas/0/ReadProvisionedThroughputSettings'],
    }]);
  });

  test('passes when writes and the replica reads autoscale', () => {
    // GIVEN a global table that leaves BillingMode out, with write and replica read autoscaling
    const stack = newStack(ENV);
    const table = globalTableWithoutBillingMode(stack);
    table.addPropertyOverride('WriteProvisionedThroughputSettings.WriteCapacityAutoScalingSettings', AUTOSCALING_SETTINGS);
    table.addPropertyOverride('Replicas.0.ReadProvisionedThroughputSettings.ReadCapacityAutoScalingSettings', AUTOSCALING_SETTINGS);

    expect(findingsOf(stack, RULE)).toEqual([]);
  });
});
