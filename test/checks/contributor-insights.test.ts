import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { ENV, findingsOf, logicalId, newStack, PK } from './helpers';

const RULE = 'ContributorInsightsEnabled';
const THROTTLED_KEYS = { enabled: true, mode: dynamodb.ContributorInsightsMode.THROTTLED_KEYS };
const SK: dynamodb.Attribute = { name: 'sk', type: dynamodb.AttributeType.STRING };

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

describe('TableV2 global secondary indexes (per replica)', () => {
  // A global table keeps the setting per replica, inside Replicas[i].GlobalSecondaryIndexes:
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-dynamodb-globaltable-replicaglobalsecondaryindexspecification.html
  const INDEXES = [{ indexName: 'first', partitionKey: SK }, { indexName: 'second', partitionKey: SK }];

  test('passes when the table has it: aws-cdk-lib carries it to every replica\'s indexes', () => {
    // GIVEN two indexes and three replicas (us-west-2, eu-west-1, the primary us-east-1)
    const stack = newStack(ENV);
    new dynamodb.TableV2(stack, 'Table', {
      partitionKey: PK,
      contributorInsightsSpecification: THROTTLED_KEYS,
      globalSecondaryIndexes: INDEXES,
      replicas: [{ region: 'us-west-2' }, { region: 'eu-west-1' }],
    });

    expect(findingsOf(stack, RULE)).toEqual([]);
  });

  test('fails at the index of the second replica that turns it off', () => {
    // GIVEN insights on the table, and the eu-west-1 replica turns them off for its index 'second'
    const stack = newStack(ENV);
    const table = new dynamodb.TableV2(stack, 'Table', {
      partitionKey: PK,
      contributorInsightsSpecification: THROTTLED_KEYS,
      globalSecondaryIndexes: INDEXES,
      replicas: [
        { region: 'us-west-2' },
        { region: 'eu-west-1', globalSecondaryIndexOptions: { second: { contributorInsightsSpecification: { enabled: false } } } },
      ],
    });

    // THEN only that index of that replica is flagged (Replicas/1 is eu-west-1, its index 1 is 'second')
    expect(findingsOf(stack, RULE)).toEqual([{
      resourceLogicalId: logicalId(table),
      locations: ['Properties/Replicas/1/GlobalSecondaryIndexes/1/ContributorInsightsSpecification'],
    }]);
  });

  test('fails at the table and at every index of the replica when nothing has it', () => {
    const stack = newStack();
    const table = new dynamodb.TableV2(stack, 'Table', { partitionKey: PK, globalSecondaryIndexes: INDEXES });

    expect(findingsOf(stack, RULE)).toEqual([{
      resourceLogicalId: logicalId(table),
      locations: [
        'Properties/Replicas/0/ContributorInsightsSpecification',
        'Properties/Replicas/0/GlobalSecondaryIndexes/0/ContributorInsightsSpecification',
        'Properties/Replicas/0/GlobalSecondaryIndexes/1/ContributorInsightsSpecification',
      ],
    }]);
  });

  test('fails at a replica that lists no settings for its indexes', () => {
    // GIVEN a hand-edited template whose replica has insights but no per-index settings
    const stack = newStack();
    const table = new dynamodb.TableV2(stack, 'Table', {
      partitionKey: PK,
      contributorInsightsSpecification: THROTTLED_KEYS,
      globalSecondaryIndexes: INDEXES,
    });
    (table.node.defaultChild as dynamodb.CfnGlobalTable).addPropertyDeletionOverride('Replicas.0.GlobalSecondaryIndexes');

    // THEN the missing list is flagged once, where it belongs
    expect(findingsOf(stack, RULE)).toEqual([{
      resourceLogicalId: logicalId(table),
      locations: ['Properties/Replicas/0/GlobalSecondaryIndexes'],
    }]);
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

  test('passes with contributor insights on the table and on every index', () => {
    const stack = newStack();
    const table = new dynamodb.Table(stack, 'Table', { partitionKey: PK, contributorInsightsSpecification: THROTTLED_KEYS });
    table.addGlobalSecondaryIndex({ indexName: 'first', partitionKey: SK, contributorInsightsSpecification: THROTTLED_KEYS });

    expect(findingsOf(stack, RULE)).toEqual([]);
  });

  test('fails at the index without contributor insights', () => {
    // GIVEN insights on the table and its first index, not on its second
    // (the setting sits in GlobalSecondaryIndexes[i]:
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-dynamodb-table-globalsecondaryindex.html)
    const stack = newStack();
    const table = new dynamodb.Table(stack, 'Table', { partitionKey: PK, contributorInsightsSpecification: THROTTLED_KEYS });
    table.addGlobalSecondaryIndex({ indexName: 'first', partitionKey: SK, contributorInsightsSpecification: THROTTLED_KEYS });
    table.addGlobalSecondaryIndex({ indexName: 'second', partitionKey: SK });

    expect(findingsOf(stack, RULE)).toEqual([{
      resourceLogicalId: logicalId(table),
      locations: ['Properties/GlobalSecondaryIndexes/1/ContributorInsightsSpecification'],
    }]);
  });
});
