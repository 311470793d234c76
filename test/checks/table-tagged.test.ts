import { Tags } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { ENV, findingsOf, logicalId, newStack, PK } from './helpers';

const RULE = 'TableTagged';
const REQUIRED = { requiredTagKeys: ['owner', 'data-class'] };

test('passes every table without requiredTagKeys', () => {
  const stack = newStack();
  new dynamodb.Table(stack, 'Table', { partitionKey: PK });

  expect(findingsOf(stack, RULE)).toEqual([]);
});

test('passes a Table with every required key, and fails one that lacks one', () => {
  const stack = newStack();
  const complete = new dynamodb.Table(stack, 'Complete', { partitionKey: PK });
  Tags.of(complete).add('owner', 'payments');
  Tags.of(complete).add('data-class', 'confidential');
  const partial = new dynamodb.Table(stack, 'Partial', { partitionKey: PK });
  Tags.of(partial).add('owner', 'payments');

  expect(findingsOf(stack, RULE, REQUIRED)).toEqual([{ resourceLogicalId: logicalId(partial), locations: ['Properties/Tags'] }]);
});

test('tag keys are case sensitive, as in Security Hub DynamoDB.5', () => {
  const stack = newStack();
  const table = new dynamodb.Table(stack, 'Table', { partitionKey: PK });
  Tags.of(table).add('Owner', 'payments');

  expect(findingsOf(stack, RULE, { requiredTagKeys: ['owner'] })).toEqual([{ resourceLogicalId: logicalId(table), locations: ['Properties/Tags'] }]);
});

test('a TableV2 carries its tags to every replica', () => {
  const stack = newStack(ENV);
  const table = new dynamodb.TableV2(stack, 'Table', { partitionKey: PK, replicas: [{ region: 'us-west-2' }, { region: 'eu-west-1' }] });
  Tags.of(table).add('owner', 'payments');
  Tags.of(table).add('data-class', 'confidential');

  expect(findingsOf(stack, RULE, REQUIRED)).toEqual([]);
});

test('TableV2\'s tags prop tags the primary replica only: the other replicas fail', () => {
  // GIVEN tags given as the tags prop, and replicas us-west-2 and eu-west-1 before the primary
  const stack = newStack(ENV);
  const table = new dynamodb.TableV2(stack, 'Table', {
    partitionKey: PK,
    replicas: [{ region: 'us-west-2' }, { region: 'eu-west-1' }],
    tags: [{ key: 'owner', value: 'payments' }, { key: 'data-class', value: 'confidential' }],
  });

  expect(findingsOf(stack, RULE, REQUIRED)).toEqual([{ resourceLogicalId: logicalId(table), locations: ['Properties/Replicas/0/Tags', 'Properties/Replicas/1/Tags'] }]);
});

test('fails only the second replica of a global table, which lacks a key', () => {
  // GIVEN three replicas; a hand-edited template leaves data-class off eu-west-1 (Replicas/1)
  const stack = newStack(ENV);
  const table = new dynamodb.TableV2(stack, 'Table', {
    partitionKey: PK,
    replicas: [{ region: 'us-west-2' }, { region: 'eu-west-1' }],
  });
  Tags.of(table).add('owner', 'payments');
  Tags.of(table).add('data-class', 'confidential');
  (table.node.defaultChild as dynamodb.CfnGlobalTable).addPropertyOverride('Replicas.1.Tags', [{ Key: 'owner', Value: 'payments' }]);

  expect(findingsOf(stack, RULE, REQUIRED)).toEqual([{ resourceLogicalId: logicalId(table), locations: ['Properties/Replicas/1/Tags'] }]);
});
