import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { ENV, findingsOf, logicalId, newStack, PK } from './helpers';

const RULE = 'ContributorInsightsEnabled';
const THROTTLED_KEYS = { enabled: true, mode: dynamodb.ContributorInsightsMode.THROTTLED_KEYS };

describe('TableV2 (AWS::DynamoDB::GlobalTable)', () => {
  test('passes with contributor insights on', () => {
    const stack = newStack();
    new dynamodb.TableV2(stack, 'Table', { partitionKey: PK, contributorInsightsSpecification: THROTTLED_KEYS });

    expect(findingsOf(stack, RULE)).toEqual([]);
  });

  test('fails at the replica without contributor insights', () => {
    const stack = newStack();
    const table = new dynamodb.TableV2(stack, 'Table', { partitionKey: PK });

    expect(findingsOf(stack, RULE)).toEqual([{
      resourceLogicalId: logicalId(table),
      locations: ['Properties/Replicas/0/ContributorInsightsSpecification'],
    }]);
  });

  test('fails only at the replica that turns it off', () => {
    // GIVEN the primary (us-east-1) with contributor insights, and a us-west-2 replica without
    const stack = newStack(ENV);
    const table = new dynamodb.TableV2(stack, 'Table', {
      partitionKey: PK,
      contributorInsightsSpecification: THROTTLED_KEYS,
      replicas: [{ region: 'us-west-2', contributorInsightsSpecification: { enabled: false } }],
    });

    // THEN aws-cdk-lib renders the replicas before the primary: Replicas/0 is us-west-2
    expect(findingsOf(stack, RULE)).toEqual([{
      resourceLogicalId: logicalId(table),
      locations: ['Properties/Replicas/0/ContributorInsightsSpecification'],
    }]);
  });

  test('passes when every replica has it', () => {
    const stack = newStack(ENV);
    new dynamodb.TableV2(stack, 'Table', {
      partitionKey: PK,
      contributorInsightsSpecification: THROTTLED_KEYS,
      replicas: [{ region: 'us-west-2' }],
    });

    expect(findingsOf(stack, RULE)).toEqual([]);
  });
});

describe('Table (AWS::DynamoDB::Table)', () => {
  test('passes with contributor insights on', () => {
    const stack = newStack();
    new dynamodb.Table(stack, 'Table', { partitionKey: PK, contributorInsightsSpecification: THROTTLED_KEYS });

    expect(findingsOf(stack, RULE)).toEqual([]);
  });

  test('fails without contributor insights', () => {
    const stack = newStack();
    const table = new dynamodb.Table(stack, 'Table', { partitionKey: PK });

    expect(findingsOf(stack, RULE)).toEqual([{
      resourceLogicalId: logicalId(table),
      locations: ['Properties/ContributorInsightsSpecification'],
    }]);
  });
});
