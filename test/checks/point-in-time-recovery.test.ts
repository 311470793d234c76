import { CfnParameter, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { ENV, findingsOf, logicalId, newStack, PK, verdictsOf } from './helpers';

const RULE = 'PointInTimeRecoveryEnabled';

describe('TableV2 (AWS::DynamoDB::GlobalTable)', () => {
  test('passes with point-in-time recovery on', () => {
    const stack = newStack();
    new dynamodb.TableV2(stack, 'Table', {
      partitionKey: PK,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    });

    expect(findingsOf(stack, RULE)).toEqual([]);
  });

  test('fails at the replica without point-in-time recovery', () => {
    const stack = newStack();
    const table = new dynamodb.TableV2(stack, 'Table', { partitionKey: PK });

    expect(findingsOf(stack, RULE)).toEqual([{
      resourceLogicalId: logicalId(table),
      locations: ['Properties/Replicas/0/PointInTimeRecoverySpecification'],
    }]);
  });

  test('fails only at the replica that turns it off', () => {
    // GIVEN the primary (us-east-1) with PITR, and a us-west-2 replica without it
    const stack = newStack(ENV);
    const table = new dynamodb.TableV2(stack, 'Table', {
      partitionKey: PK,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      replicas: [{ region: 'us-west-2', pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: false } }],
    });

    // THEN aws-cdk-lib renders the replicas before the primary: Replicas/0 is us-west-2
    expect(findingsOf(stack, RULE)).toEqual([{
      resourceLogicalId: logicalId(table),
      locations: ['Properties/Replicas/0/PointInTimeRecoverySpecification'],
    }]);
  });

  test('fails only at the primary when only the other replica has it', () => {
    const stack = newStack(ENV);
    const table = new dynamodb.TableV2(stack, 'Table', {
      partitionKey: PK,
      replicas: [{ region: 'us-west-2', pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true } }],
    });

    expect(findingsOf(stack, RULE)).toEqual([{
      resourceLogicalId: logicalId(table),
      locations: ['Properties/Replicas/1/PointInTimeRecoverySpecification'],
    }]);
  });

  test('passes when every replica has it', () => {
    const stack = newStack(ENV);
    new dynamodb.TableV2(stack, 'Table', {
      partitionKey: PK,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      replicas: [{ region: 'us-west-2' }],
    });

    expect(findingsOf(stack, RULE)).toEqual([]);
  });
});

describe('Table (AWS::DynamoDB::Table)', () => {
  test('passes with point-in-time recovery on', () => {
    const stack = newStack();
    new dynamodb.Table(stack, 'Table', {
      partitionKey: PK,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    });

    expect(findingsOf(stack, RULE)).toEqual([]);
  });

  test('fails without point-in-time recovery', () => {
    const stack = newStack();
    const table = new dynamodb.Table(stack, 'Table', { partitionKey: PK });

    expect(findingsOf(stack, RULE)).toEqual([{
      resourceLogicalId: logicalId(table),
      locations: ['Properties/PointInTimeRecoverySpecification'],
    }]);
  });

  test('passes when the template says "true" as a string, which CloudFormation accepts', () => {
    const stack = newStack();
    const table = new dynamodb.Table(stack, 'Table', { partitionKey: PK });
    (table.node.defaultChild as dynamodb.CfnTable)
      .addPropertyOverride('PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled', 'true');
    Validations.of(table).acknowledge({
      id: 'CloudFormation-Validate::W9003',
      reason: 'The string is the point of the test; CloudFormation coerces it to a boolean.',
    });

    expect(findingsOf(stack, RULE)).toEqual([]);
  });

  test('fails when point-in-time recovery is explicitly off', () => {
    const stack = newStack();
    const table = new dynamodb.CfnTable(stack, 'Table', {
      keySchema: [{ attributeName: 'pk', keyType: 'HASH' }],
      attributeDefinitions: [{ attributeName: 'pk', attributeType: 'S' }],
      billingMode: 'PAY_PER_REQUEST',
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: false },
    });

    expect(findingsOf(stack, RULE)).toEqual([{
      resourceLogicalId: logicalId(table),
      locations: ['Properties/PointInTimeRecoverySpecification'],
    }]);
  });
});

describe('minRecoveryPeriodInDays', () => {
  const PITR = { pointInTimeRecoveryEnabled: true };

  test('passes a period left out, which DynamoDB keeps 35 days', () => {
    const stack = newStack();
    new dynamodb.Table(stack, 'Table', { partitionKey: PK, pointInTimeRecoverySpecification: PITR });

    expect(findingsOf(stack, RULE, { minRecoveryPeriodInDays: 35 })).toEqual([]);
  });

  test('fails a period shorter than required, and passes it without the parameter', () => {
    const stack = newStack();
    const table = new dynamodb.Table(stack, 'Table', { partitionKey: PK, pointInTimeRecoverySpecification: { ...PITR, recoveryPeriodInDays: 7 } });

    expect(findingsOf(stack, RULE, { minRecoveryPeriodInDays: 14 })).toEqual([{
      resourceLogicalId: logicalId(table),
      locations: ['Properties/PointInTimeRecoverySpecification/RecoveryPeriodInDays'],
    }]);
    expect(findingsOf(newStackWithPeriod(7), RULE)).toEqual([]);
  });

  test('passes a period of exactly the minimum', () => {
    expect(findingsOf(newStackWithPeriod(14), RULE, { minRecoveryPeriodInDays: 14 })).toEqual([]);
  });

  test('cannot decide a period that is a parameter', () => {
    const stack = newStack();
    const days = new CfnParameter(stack, 'Days', { type: 'Number' });
    // aws-cdk-lib refuses a token period, so the template is written by hand
    const table = new dynamodb.Table(stack, 'Table', { partitionKey: PK, pointInTimeRecoverySpecification: PITR });
    (table.node.defaultChild as dynamodb.CfnTable).addPropertyOverride('PointInTimeRecoverySpecification.RecoveryPeriodInDays', days.valueAsNumber);

    expect(verdictsOf(stack, RULE, { minRecoveryPeriodInDays: 14 })).toEqual({
      failing: [],
      undecided: [{ resourceLogicalId: logicalId(table), locations: ['Properties/PointInTimeRecoverySpecification/RecoveryPeriodInDays'] }],
    });
  });

  test('fails only the third replica of a global table, whose period is short', () => {
    // GIVEN replicas us-west-2, eu-west-1 and the primary us-east-1 (Replicas/2), the primary keeping 7 days
    const stack = newStack(ENV);
    const table = new dynamodb.TableV2(stack, 'Table', {
      partitionKey: PK,
      pointInTimeRecoverySpecification: { ...PITR, recoveryPeriodInDays: 7 },
      replicas: [
        { region: 'us-west-2', pointInTimeRecoverySpecification: { ...PITR, recoveryPeriodInDays: 35 } },
        { region: 'eu-west-1', pointInTimeRecoverySpecification: { ...PITR, recoveryPeriodInDays: 35 } },
      ],
    });

    expect(findingsOf(stack, RULE, { minRecoveryPeriodInDays: 14 })).toEqual([{
      resourceLogicalId: logicalId(table),
      locations: ['Properties/Replicas/2/PointInTimeRecoverySpecification/RecoveryPeriodInDays'],
    }]);
  });
});

describe('AWS::DynamoDB::GlobalTable with three replicas', () => {
  test('fails only the second replica, which turns it off', () => {
    const stack = newStack(ENV);
    const table = new dynamodb.TableV2(stack, 'Table', {
      partitionKey: PK,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      replicas: [{ region: 'us-west-2' }, { region: 'eu-west-1', pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: false } }],
    });

    expect(findingsOf(stack, RULE)).toEqual([{ resourceLogicalId: logicalId(table), locations: ['Properties/Replicas/1/PointInTimeRecoverySpecification'] }]);
  });
});

function newStackWithPeriod(recoveryPeriodInDays: number) {
  const stack = newStack();
  new dynamodb.Table(stack, 'Table', { partitionKey: PK, pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true, recoveryPeriodInDays } });
  return stack;
}
