import { Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { ENV, findingsOf, logicalId, newStack, PK } from './helpers';

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
