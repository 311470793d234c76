import { CfnParameter, Stack } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { ENV, findingsOf, logicalId, newStack, PK, verdictsOf } from './helpers';

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

describe('what counts as autoscaling a Table', () => {
  const BOTH = ['Properties/ProvisionedThroughput/ReadCapacityUnits', 'Properties/ProvisionedThroughput/WriteCapacityUnits'];

  function provisionedTable(stack: Stack, tableName?: string): dynamodb.Table {
    return new dynamodb.Table(stack, 'Table', { partitionKey: PK, billingMode: dynamodb.BillingMode.PROVISIONED, tableName });
  }

  /** A scalable target written by hand, as teams outside the L2 do. */
  function target(stack: Stack, id: string, resourceId: string, unit: 'Read' | 'Write', index = false): appscaling.CfnScalableTarget {
    return new appscaling.CfnScalableTarget(stack, id, {
      serviceNamespace: 'dynamodb',
      resourceId,
      scalableDimension: `dynamodb:${index ? 'index' : 'table'}:${unit}CapacityUnits`,
      minCapacity: 5,
      maxCapacity: 50,
      roleArn: 'arn:aws:iam::111111111111:role/aws-service-role/dynamodb.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_DynamoDBTable',
    });
  }

  function tracking(stack: Stack, id: string, scalableTarget: appscaling.CfnScalableTarget, targetValue = 70): appscaling.CfnScalingPolicy {
    return new appscaling.CfnScalingPolicy(stack, id, {
      policyName: id,
      policyType: 'TargetTrackingScaling',
      scalingTargetId: scalableTarget.ref,
      targetTrackingScalingPolicyConfiguration: {
        targetValue,
        predefinedMetricSpecification: { predefinedMetricType: 'DynamoDBReadCapacityUtilization' },
      },
    });
  }

  test('fails scalable targets that no policy drives: they never change the capacity', () => {
    // GIVEN what autoScaleReadCapacity() and autoScaleWriteCapacity() alone make: targets, no policy
    const stack = newStack();
    const table = provisionedTable(stack);
    table.autoScaleReadCapacity({ minCapacity: 1, maxCapacity: 10 });
    table.autoScaleWriteCapacity({ minCapacity: 1, maxCapacity: 10 });

    expect(findingsOf(stack, RULE)).toEqual([{ resourceLogicalId: logicalId(table), locations: BOTH }]);
  });

  test('passes targets that name the table by its literal name, when the table has that literal name', () => {
    // GIVEN targets whose ResourceId is the literal table/orders, each with a target-tracking policy
    const stack = newStack();
    provisionedTable(stack, 'orders');
    tracking(stack, 'ReadPolicy', target(stack, 'Read', 'table/orders', 'Read'));
    tracking(stack, 'WritePolicy', target(stack, 'Write', 'table/orders', 'Write'));

    expect(findingsOf(stack, RULE)).toEqual([]);
  });

  test('passes an index target named literally table/<name>/index/<index>', () => {
    const stack = newStack();
    const table = provisionedTable(stack, 'orders');
    table.addGlobalSecondaryIndex({ indexName: 'byCustomer', partitionKey: SK });
    for (const unit of ['Read', 'Write'] as const) {
      tracking(stack, `${unit}Policy`, target(stack, unit, 'table/orders', unit));
      tracking(stack, `Index${unit}Policy`, target(stack, `Index${unit}`, 'table/orders/index/byCustomer', unit, true));
    }

    expect(findingsOf(stack, RULE)).toEqual([]);
  });

  test('does not count a literal name for a table whose name is generated, or another name', () => {
    const stack = newStack();
    const unnamed = provisionedTable(stack);
    tracking(stack, 'ReadPolicy', target(stack, 'Read', 'table/orders', 'Read'));
    tracking(stack, 'WritePolicy', target(stack, 'Write', 'table/orders', 'Write'));
    const other = newStack();
    const named = provisionedTable(other, 'orders-audit');
    tracking(other, 'ReadPolicy', target(other, 'Read', 'table/orders', 'Read'));
    tracking(other, 'WritePolicy', target(other, 'Write', 'table/orders', 'Write'));

    expect(findingsOf(stack, RULE)).toEqual([{ resourceLogicalId: logicalId(unnamed), locations: BOTH }]);
    expect(findingsOf(other, RULE)).toEqual([{ resourceLogicalId: logicalId(named), locations: BOTH }]);
  });

  test('passes a policy that points at the target by ResourceId, ScalableDimension and ServiceNamespace', () => {
    const stack = newStack();
    provisionedTable(stack, 'orders');
    for (const unit of ['Read', 'Write'] as const) {
      target(stack, unit, 'table/orders', unit);
      new appscaling.CfnScalingPolicy(stack, `${unit}Policy`, {
        policyName: unit,
        policyType: 'TargetTrackingScaling',
        resourceId: 'table/orders',
        scalableDimension: `dynamodb:table:${unit}CapacityUnits`,
        serviceNamespace: 'dynamodb',
        targetTrackingScalingPolicyConfiguration: { targetValue: 70, predefinedMetricSpecification: { predefinedMetricType: `DynamoDB${unit}CapacityUtilization` } },
      });
    }

    expect(findingsOf(stack, RULE)).toEqual([]);
  });

  test('passes targets with scheduled actions', () => {
    const stack = newStack();
    const table = provisionedTable(stack);
    table.autoScaleReadCapacity({ minCapacity: 1, maxCapacity: 10 })
      .scaleOnSchedule('BusinessHours', { schedule: appscaling.Schedule.cron({ hour: '8', minute: '0' }), minCapacity: 5 });
    table.autoScaleWriteCapacity({ minCapacity: 1, maxCapacity: 10 })
      .scaleOnSchedule('BusinessHours', { schedule: appscaling.Schedule.cron({ hour: '8', minute: '0' }), minCapacity: 5 });

    expect(findingsOf(stack, RULE)).toEqual([]);
  });

  test('fails a step scaling policy, which DynamoDB does not support', () => {
    const stack = newStack();
    const table = provisionedTable(stack, 'orders');
    for (const unit of ['Read', 'Write'] as const) {
      new appscaling.CfnScalingPolicy(stack, `${unit}Policy`, {
        policyName: unit,
        policyType: 'StepScaling',
        scalingTargetId: target(stack, unit, 'table/orders', unit).ref,
        stepScalingPolicyConfiguration: { adjustmentType: 'ChangeInCapacity', stepAdjustments: [{ scalingAdjustment: 1, metricIntervalLowerBound: 0 }] },
      });
    }

    expect(findingsOf(stack, RULE)).toEqual([{ resourceLogicalId: logicalId(table), locations: BOTH }]);
  });
});

describe('Security Hub DynamoDB.1 parameters', () => {
  const PARAMETERS = { minProvisionedReadCapacity: 5, minProvisionedWriteCapacity: 5, targetReadUtilization: 70, targetWriteUtilization: 70 };

  function scaledTable(stack: Stack, minCapacity: number, targetUtilizationPercent: number): dynamodb.Table {
    const table = new dynamodb.Table(stack, 'Table', { partitionKey: PK, billingMode: dynamodb.BillingMode.PROVISIONED });
    table.autoScaleReadCapacity({ minCapacity, maxCapacity: 100 }).scaleOnUtilization({ targetUtilizationPercent });
    table.autoScaleWriteCapacity({ minCapacity: 5, maxCapacity: 100 }).scaleOnUtilization({ targetUtilizationPercent: 70 });
    return table;
  }

  test('passes a table that meets them', () => {
    const stack = newStack();
    scaledTable(stack, 5, 70);

    expect(findingsOf(stack, RULE, PARAMETERS)).toEqual([]);
  });

  test('fails reads whose minimum is below minProvisionedReadCapacity', () => {
    const stack = newStack();
    const table = scaledTable(stack, 1, 70);

    expect(findingsOf(stack, RULE, PARAMETERS)).toEqual([{ resourceLogicalId: logicalId(table), locations: ['Properties/ProvisionedThroughput/ReadCapacityUnits'] }]);
    expect(findingsOf(newStackWith(1, 70), RULE)).toEqual([]);
  });

  test('fails reads that track another utilization than targetReadUtilization', () => {
    const stack = newStack();
    const table = scaledTable(stack, 5, 50);

    expect(findingsOf(stack, RULE, PARAMETERS)).toEqual([{ resourceLogicalId: logicalId(table), locations: ['Properties/ProvisionedThroughput/ReadCapacityUnits'] }]);
  });

  test('cannot decide a minimum that is a parameter', () => {
    const stack = newStack();
    const minimum = new CfnParameter(stack, 'Minimum', { type: 'Number' });
    const table = scaledTable(stack, minimum.valueAsNumber, 70);

    expect(verdictsOf(stack, RULE, PARAMETERS)).toEqual({
      failing: [],
      undecided: [{ resourceLogicalId: logicalId(table), locations: ['Properties/ProvisionedThroughput/ReadCapacityUnits'] }],
    });
  });

  test('apply to TableV2\'s own autoscaling, in every replica: fails the third replica whose reads track another target', () => {
    // GIVEN three replicas (us-west-2, eu-west-1, and the primary us-east-1) reading at 70 %, but eu-west-1 at 50 %
    const stack = newStack(ENV);
    const table = new dynamodb.TableV2(stack, 'Table', {
      partitionKey: PK,
      billing: dynamodb.Billing.provisioned({
        readCapacity: dynamodb.Capacity.autoscaled({ minCapacity: 5, maxCapacity: 100, targetUtilizationPercent: 70 }),
        writeCapacity: dynamodb.Capacity.autoscaled({ minCapacity: 5, maxCapacity: 100, targetUtilizationPercent: 70 }),
      }),
      replicas: [
        { region: 'us-west-2' },
        { region: 'eu-west-1', readCapacity: dynamodb.Capacity.autoscaled({ minCapacity: 5, maxCapacity: 100, targetUtilizationPercent: 50 }) },
      ],
    });

    // THEN Replicas/1 (eu-west-1) is flagged
    expect(findingsOf(stack, RULE, PARAMETERS)).toEqual([{ resourceLogicalId: logicalId(table), locations: ['Properties/Replicas/1/ReadProvisionedThroughputSettings'] }]);
  });
});

describe('AWS::DynamoDB::GlobalTable with several replicas', () => {
  test('fails only the second replica, whose reads are fixed', () => {
    const stack = newStack(ENV);
    const table = new dynamodb.TableV2(stack, 'Table', {
      partitionKey: PK,
      billing: dynamodb.Billing.provisioned({ readCapacity: AUTOSCALED, writeCapacity: AUTOSCALED }),
      replicas: [{ region: 'us-west-2' }, { region: 'eu-west-1', readCapacity: dynamodb.Capacity.fixed(5) }],
    });

    expect(findingsOf(stack, RULE)).toEqual([{ resourceLogicalId: logicalId(table), locations: ['Properties/Replicas/1/ReadProvisionedThroughputSettings'] }]);
  });
});

function newStackWith(minCapacity: number, targetUtilizationPercent: number): Stack {
  const stack = newStack();
  const table = new dynamodb.Table(stack, 'Table', { partitionKey: PK, billingMode: dynamodb.BillingMode.PROVISIONED });
  table.autoScaleReadCapacity({ minCapacity, maxCapacity: 100 }).scaleOnUtilization({ targetUtilizationPercent });
  table.autoScaleWriteCapacity({ minCapacity, maxCapacity: 100 }).scaleOnUtilization({ targetUtilizationPercent });
  return stack;
}
