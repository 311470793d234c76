import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { ENV, findingsOf, logicalId, newStack, PK } from './helpers';

const RULE = 'DeletionProtectionEnabled';

describe('TableV2 (AWS::DynamoDB::GlobalTable)', () => {
  test('passes with deletion protection', () => {
    const stack = newStack();
    new dynamodb.TableV2(stack, 'Table', { partitionKey: PK, deletionProtection: true });

    expect(findingsOf(stack, RULE)).toEqual([]);
  });

  test('fails at the replica without deletion protection', () => {
    const stack = newStack();
    const table = new dynamodb.TableV2(stack, 'Table', { partitionKey: PK });

    expect(findingsOf(stack, RULE)).toEqual([{
      resourceLogicalId: logicalId(table),
      locations: ['Properties/Replicas/0/DeletionProtectionEnabled'],
    }]);
  });

  test('fails only at the replica that turns it off', () => {
    // GIVEN the primary (us-east-1) protected, and a us-west-2 replica that is not
    const stack = newStack(ENV);
    const table = new dynamodb.TableV2(stack, 'Table', {
      partitionKey: PK,
      deletionProtection: true,
      replicas: [{ region: 'us-west-2', deletionProtection: false }],
    });

    // THEN aws-cdk-lib renders the replicas before the primary: Replicas/0 is us-west-2
    expect(findingsOf(stack, RULE)).toEqual([{
      resourceLogicalId: logicalId(table),
      locations: ['Properties/Replicas/0/DeletionProtectionEnabled'],
    }]);
  });

  test('fails only at the primary when only the other replica has it', () => {
    const stack = newStack(ENV);
    const table = new dynamodb.TableV2(stack, 'Table', {
      partitionKey: PK,
      replicas: [{ region: 'us-west-2', deletionProtection: true }],
    });

    expect(findingsOf(stack, RULE)).toEqual([{
      resourceLogicalId: logicalId(table),
      locations: ['Properties/Replicas/1/DeletionProtectionEnabled'],
    }]);
  });

  test('passes when every replica is protected', () => {
    const stack = newStack(ENV);
    new dynamodb.TableV2(stack, 'Table', {
      partitionKey: PK,
      deletionProtection: true,
      replicas: [{ region: 'us-west-2' }],
    });

    expect(findingsOf(stack, RULE)).toEqual([]);
  });
});

describe('Table (AWS::DynamoDB::Table)', () => {
  test('passes with deletion protection', () => {
    const stack = newStack();
    new dynamodb.Table(stack, 'Table', { partitionKey: PK, deletionProtection: true });

    expect(findingsOf(stack, RULE)).toEqual([]);
  });

  test('fails without deletion protection', () => {
    const stack = newStack();
    const table = new dynamodb.Table(stack, 'Table', { partitionKey: PK });

    expect(findingsOf(stack, RULE)).toEqual([{
      resourceLogicalId: logicalId(table),
      locations: ['Properties/DeletionProtectionEnabled'],
    }]);
  });
});

describe('AWS::DynamoDB::GlobalTable with three replicas', () => {
  test('fails only the second replica, which turns it off', () => {
    const stack = newStack(ENV);
    const table = new dynamodb.TableV2(stack, 'Table', {
      partitionKey: PK,
      deletionProtection: true,
      replicas: [{ region: 'us-west-2' }, { region: 'eu-west-1', deletionProtection: false }],
    });

    expect(findingsOf(stack, RULE)).toEqual([{ resourceLogicalId: logicalId(table), locations: ['Properties/Replicas/1/DeletionProtectionEnabled'] }]);
  });
});
