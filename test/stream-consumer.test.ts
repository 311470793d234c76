import { App, CfnParameter, Duration, NestedStack, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AlarmActions, ProductionTable, ProductionTableProps, StreamConsumer, StreamConsumerOptions } from '../src';
import { ENV, newStack, pk } from './fixtures';
import { DynamoDbKitError } from '../src/private/errors';

const MAPPING = 'AWS::Lambda::EventSourceMapping';
const ALARM = 'AWS::CloudWatch::Alarm';

function handlerIn(stack: Stack, id = 'Handler'): lambda.Function {
  return new lambda.Function(stack, id, {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ batchItemFailures: [] });'),
  });
}

function build(options: Partial<StreamConsumerOptions> = {}, tableProps: Partial<ProductionTableProps> = {}) {
  const stack = newStack();
  const table = new ProductionTable(stack, 'Orders', { partitionKey: pk, ...tableProps });
  const handler = handlerIn(stack);
  const consumer = table.addStreamConsumer('Projector', { handler, ...options });
  return { stack, table, handler, consumer, template: Template.fromStack(stack) };
}

const ref = (template: Template, type: string, pattern: string) => {
  const ids = Object.keys(template.findResources(type)).filter(id => new RegExp(pattern).test(id));
  expect(ids).toHaveLength(1);
  return ids[0];
};

describe('defaults', () => {
  test('the mapping starts at TRIM_HORIZON, bisects, reports item failures, and bounds retries and record age', () => {
    const { template } = build();

    template.hasResourceProperties(MAPPING, {
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Orders'), 'StreamArn'] },
      FunctionName: { Ref: Match.stringLikeRegexp('^Handler') },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 100,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: 3,
      MaximumRecordAgeInSeconds: 6 * 3600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OrdersProjectorFailureQueue'), 'Arn'] } } },
      ParallelizationFactor: Match.absent(),
      MaximumBatchingWindowInSeconds: Match.absent(),
      TumblingWindowInSeconds: Match.absent(),
      FilterCriteria: Match.absent(),
    });
  });

  test('failed batches go to a TLS-only queue that keeps messages 14 days, is retained, and is encrypted with the table key', () => {
    const { template } = build();
    const tableKey = ref(template, 'AWS::KMS::Key', '^OrdersKey');

    template.hasResource('AWS::SQS::Queue', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: { MessageRetentionPeriod: 14 * 24 * 3600, KmsMasterKeyId: { 'Fn::GetAtt': [tableKey, 'Arn'] } },
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })] },
    });
  });

  test('the consumer is a child of the table with the given id, and the mapping depends on its policy', () => {
    const { consumer, template } = build();

    expect(consumer.node.path).toEqual('Stack/Orders/Projector');
    const policy = ref(template, 'AWS::IAM::ManagedPolicy', '^OrdersProjectorPolicy');
    template.hasResource(MAPPING, { DependsOn: Match.arrayWith([policy]) });
  });

  test('a default consumer records no warning', () => {
    const { stack } = build();

    Annotations.fromStack(stack).hasNoWarning('/Stack/Orders/Projector*', Match.anyValue());
  });

  test('adding a consumer changes neither the table nor its key', () => {
    const ids = (withConsumer: boolean) => {
      const stack = newStack();
      const table = new ProductionTable(stack, 'Orders', { partitionKey: pk });
      if (withConsumer) {
        table.addStreamConsumer('Projector', { handler: handlerIn(stack) });
      }
      const template = Template.fromStack(stack);
      return [
        template.findResources('AWS::DynamoDB::GlobalTable'),
        template.findResources('AWS::KMS::Key', { Properties: { Description: 'Encrypts the DynamoDB table Stack/Orders' } }),
      ];
    };

    expect(ids(true)).toEqual(ids(false));
  });
});

describe('permissions', () => {
  test('the handler role gets exactly stream read, the table key through DynamoDB, and the failure queue with its key through SQS, in a managed policy', () => {
    const { template } = build();
    const table = ref(template, 'AWS::DynamoDB::GlobalTable', '^Orders');
    const tableKey = ref(template, 'AWS::KMS::Key', '^OrdersKey');
    const queue = ref(template, 'AWS::SQS::Queue', '^OrdersProjectorFailureQueue');
    const queueKey = tableKey;
    const via = (service: string) => ({
      StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', [`${service}.`, { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
    });
    const role = ref(template, 'AWS::IAM::Role', '^HandlerServiceRole');

    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: role }],
      PolicyDocument: {
        Statement: [
          {
            Sid: 'ReadTableStream',
            Effect: 'Allow',
            Action: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
            Resource: { 'Fn::GetAtt': [table, 'StreamArn'] },
          },
          { Sid: 'ListStreams', Effect: 'Allow', Action: 'dynamodb:ListStreams', Resource: '*' },
          {
            Sid: 'DecryptTableStream',
            Effect: 'Allow',
            Action: 'kms:Decrypt',
            Resource: { 'Fn::GetAtt': [tableKey, 'Arn'] },
            Condition: via('dynamodb'),
          },
          { Sid: 'SendFailedBatches', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [queue, 'Arn'] } },
          {
            Sid: 'EncryptFailedBatches',
            Effect: 'Allow',
            Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
            Resource: { 'Fn::GetAtt': [queueKey, 'Arn'] },
            Condition: via('sqs'),
          },
        ],
      },
    });
  });

  test('no wildcard action and no inline policy', () => {
    const { template } = build();

    template.resourceCountIs('AWS::IAM::Policy', 0);
    for (const policy of Object.values(template.findResources('AWS::IAM::ManagedPolicy'))) {
      const actions = policy.Properties.PolicyDocument.Statement.flatMap((s: any) => [s.Action].flat());
      expect(actions.filter((action: string) => action.includes('*'))).toEqual([]);
    }
  });

  test('without a customer-managed table key, there is nothing to decrypt', () => {
    const { template } = build({}, { encryption: dynamodb.TableEncryptionV2.dynamoOwnedKey() });

    const statements = Object.values(template.findResources('AWS::IAM::ManagedPolicy'))[0].Properties.PolicyDocument.Statement;
    expect(statements.map((s: any) => s.Sid)).toEqual(['ReadTableStream', 'ListStreams', 'SendFailedBatches', 'EncryptFailedBatches']);
  });

  test('a role imported by ARN gets the policy attached by name', () => {
    const stack = newStack();
    const table = new ProductionTable(stack, 'Orders', { partitionKey: pk });
    const role = iam.Role.fromRoleArn(stack, 'Role', 'arn:aws:iam::111111111111:role/projector-role', { mutable: false });
    const handler = lambda.Function.fromFunctionAttributes(stack, 'Imported', {
      functionArn: 'arn:aws:lambda:eu-west-1:111111111111:function:projector',
      role,
    });

    table.addStreamConsumer('Projector', { handler });

    Template.fromStack(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', { Roles: ['projector-role'] });
    Template.fromStack(stack).hasResourceProperties(MAPPING, { FunctionName: 'projector' });
  });

  test('a handler whose role is unknown is refused, with the way to pass it', () => {
    const stack = newStack();
    const table = new ProductionTable(stack, 'Orders', { partitionKey: pk });
    const handler = lambda.Function.fromFunctionArn(stack, 'Imported', 'arn:aws:lambda:eu-west-1:111111111111:function:projector');

    expect(() => table.addStreamConsumer('Projector', { handler })).toThrow(DynamoDbKitError);
    expect(() => table.addStreamConsumer('Projector2', { handler })).toThrow(/^Stack\/Orders\/Projector2: handler Stack\/Imported has no known role.*fromFunctionAttributes/);
  });

  test('a role of another account is refused', () => {
    const stack = newStack();
    const table = new ProductionTable(stack, 'Orders', { partitionKey: pk });
    const handler = lambda.Function.fromFunctionAttributes(stack, 'Imported', {
      functionArn: 'arn:aws:lambda:eu-west-1:222222222222:function:projector',
      role: iam.Role.fromRoleArn(stack, 'Role', 'arn:aws:iam::222222222222:role/projector-role'),
    });

    expect(() => table.addStreamConsumer('Projector', { handler })).toThrow(/^Stack\/Orders\/Projector: handler.role must be in account 111111111111/);
  });
});

describe('failure queue', () => {
  test('an existing queue is used, with its key, and no queue is made', () => {
    const stack = newStack();
    const table = new ProductionTable(stack, 'Orders', { partitionKey: pk });
    const key = new kms.Key(stack, 'QueueKey', { enableKeyRotation: true });
    const failures = new sqs.Queue(stack, 'Failures', { encryptionMasterKey: key });

    const consumer = table.addStreamConsumer('Projector', { handler: handlerIn(stack), failureQueue: failures });

    const template = Template.fromStack(stack);
    expect(consumer.failureQueue).toBe(failures);
    template.resourceCountIs('AWS::SQS::Queue', 1);
    template.hasResourceProperties(MAPPING, {
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Failures'), 'Arn'] } } },
    });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'SendFailedBatches', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Failures'), 'Arn'] } }),
          Match.objectLike({ Sid: 'EncryptFailedBatches', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^QueueKey'), 'Arn'] } }),
        ]),
      },
    });
  });

  test('an existing SQS-managed queue needs no key statement', () => {
    const stack = newStack();
    const table = new ProductionTable(stack, 'Orders', { partitionKey: pk });
    const failures = new sqs.Queue(stack, 'Failures', { encryption: sqs.QueueEncryption.SQS_MANAGED });

    table.addStreamConsumer('Projector', { handler: handlerIn(stack), failureQueue: failures });

    const statements = Object.values(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy'))[0].Properties.PolicyDocument.Statement;
    expect(statements.map((s: any) => s.Sid)).toEqual(['ReadTableStream', 'ListStreams', 'DecryptTableStream', 'SendFailedBatches']);
  });

  test('queue properties override the defaults and keep the others', () => {
    const { template } = build({ failureQueueProps: { queueName: 'order-projection-failures', retentionPeriod: Duration.days(7) } });

    template.hasResource('AWS::SQS::Queue', {
      DeletionPolicy: 'Retain',
      Properties: { QueueName: 'order-projection-failures', MessageRetentionPeriod: 7 * 24 * 3600, KmsMasterKeyId: Match.anyValue() },
    });
  });

  test('a failure queue that is not retained is recorded as a loosened default', () => {
    const { stack, template } = build({ failureQueueProps: { removalPolicy: RemovalPolicy.DESTROY } });

    template.hasResource('AWS::SQS::Queue', { DeletionPolicy: 'Delete' });
    Annotations.fromStack(stack).hasWarning('/Stack/Orders/Projector',
      Match.stringLikeRegexp('removalPolicy is destroy.*\\[ack: DynamoDbChecks::FailureQueueRetained\\]'));
  });

  test('a key in the queue properties is used instead of a new one', () => {
    const stack = newStack();
    const table = new ProductionTable(stack, 'Orders', { partitionKey: pk });
    const key = new kms.Key(stack, 'MyQueueKey', { enableKeyRotation: true });

    table.addStreamConsumer('Projector', { handler: handlerIn(stack), failureQueueProps: { encryptionMasterKey: key } });

    const template = Template.fromStack(stack);
    expect(Object.keys(template.findResources('AWS::KMS::Key')).filter(id => id.startsWith('DynamoDbKitFailureQueueKey'))).toEqual([]);
    template.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MyQueueKey'), 'Arn'] } });
  });
});

describe('failure queue key', () => {
  const KEY = 'AWS::KMS::Key';
  const keyIds = (template: Template) => Object.keys(template.findResources(KEY)).sort();

  test('with a customer-managed table key, the queue uses it and the consumer adds no key', () => {
    const keysOf = (withConsumer: boolean) => {
      const stack = newStack();
      const table = new ProductionTable(stack, 'Orders', { partitionKey: pk });
      if (withConsumer) {
        table.addStreamConsumer('Projector', { handler: handlerIn(stack) });
      }
      return keyIds(Template.fromStack(stack));
    };

    expect(keysOf(true)).toEqual(keysOf(false));
    const { consumer, table } = build();
    expect(consumer.failureQueue.encryptionMasterKey).toBe(table.encryptionKey);
  });

  test('without one, the queues of every consumer of the stack share one HardenedKey at stack scope', () => {
    const owned = { partitionKey: pk, encryption: dynamodb.TableEncryptionV2.dynamoOwnedKey() };
    const tablesIn = (stack: Stack) => [new ProductionTable(stack, 'Orders', owned), new ProductionTable(stack, 'Invoices', owned)];
    const bare = newStack();
    tablesIn(bare);
    handlerIn(bare);
    const before = keyIds(Template.fromStack(bare));
    const stack = newStack();
    const [orders, invoices] = tablesIn(stack);
    const handler = handlerIn(stack);

    const first = orders.addStreamConsumer('Projector', { handler });
    const second = invoices.addStreamConsumer('Projector', { handler });

    const template = Template.fromStack(stack);
    const added = keyIds(template).filter(id => !before.includes(id));
    expect(added).toHaveLength(1);
    expect(added[0]).toMatch(/^DynamoDbKitFailureQueueKey/);
    expect(first.failureQueue.encryptionMasterKey).toBe(second.failureQueue.encryptionMasterKey);
    expect(first.failureQueue.encryptionMasterKey!.node.path).toEqual('Stack/DynamoDbKitFailureQueueKey');
    template.hasResource(KEY, {
      DeletionPolicy: 'Retain',
      Properties: {
        Description: 'Encrypts the stream failure queues of Stack',
        EnableKeyRotation: true,
        KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AllowGrantsOnlyForAwsServices', Effect: 'Deny' })]) },
      },
    });
    template.resourcePropertiesCountIs('AWS::SQS::Queue', { KmsMasterKeyId: { 'Fn::GetAtt': [added[0], 'Arn'] } }, 2);
  });

  test('an imported table key is not used for the queue: its key policy is unknown', () => {
    const stack = newStack();
    const imported = kms.Key.fromKeyArn(stack, 'Imported', 'arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-4000-8000-000000000000');
    const table = new dynamodb.TableV2(stack, 'Plain', {
      partitionKey: pk,
      dynamoStream: dynamodb.StreamViewType.NEW_IMAGE,
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(imported),
    });

    const consumer = new StreamConsumer(stack, 'Projector', { table, handler: handlerIn(stack) });

    expect(consumer.failureQueue.encryptionMasterKey!.node.path).toEqual('Stack/DynamoDbKitFailureQueueKey');
  });

  test('SQS-managed encryption in the queue props makes no key and grants none', () => {
    const { template } = build(
      { failureQueueProps: { encryption: sqs.QueueEncryption.SQS_MANAGED } },
      { encryption: dynamodb.TableEncryptionV2.dynamoOwnedKey() },
    );

    expect(keyIds(template).filter(id => id.startsWith('DynamoDbKitFailureQueueKey'))).toEqual([]);
    const statements = Object.values(template.findResources('AWS::IAM::ManagedPolicy'))[0].Properties.PolicyDocument.Statement;
    expect(statements.map((s: any) => s.Sid)).toEqual(['ReadTableStream', 'ListStreams', 'SendFailedBatches']);
  });
});

describe('resources', () => {
  const counts = (template: Template) => {
    const byType: Record<string, number> = {};
    for (const resource of Object.values(template.toJSON().Resources as Record<string, { Type: string }>)) {
      byType[resource.Type] = (byType[resource.Type] ?? 0) + 1;
    }
    return byType;
  };
  const added = (tableProps: Partial<ProductionTableProps>, consumers: number) => {
    const synth = (withConsumers: boolean) => {
      const stack = newStack();
      const tables = Array.from({ length: consumers }, (_, i) => new ProductionTable(stack, `Table${i}`, { partitionKey: pk, ...tableProps }));
      const handler = handlerIn(stack);
      if (withConsumers) {
        tables.forEach(table => table.addStreamConsumer('Projector', { handler }));
      }
      return counts(Template.fromStack(stack));
    };
    const before = synth(false);
    const after = synth(true);
    return Object.fromEntries(Object.entries(after)
      .map(([type, count]) => [type, count - (before[type] ?? 0)])
      .filter(([, count]) => count !== 0));
  };

  test('a fully featured consumer adds 8 resources: its mapping, queue, queue policy, managed policy and 4 alarms; no key', () => {
    expect(added({}, 1)).toEqual({
      'AWS::Lambda::EventSourceMapping': 1,
      'AWS::SQS::Queue': 1,
      'AWS::SQS::QueuePolicy': 1,
      'AWS::IAM::ManagedPolicy': 1,
      'AWS::CloudWatch::Alarm': 4,
    });
  });

  test('on tables without a customer-managed key, the stack adds one key for all of them', () => {
    const owned = { encryption: dynamodb.TableEncryptionV2.dynamoOwnedKey() };

    expect(added(owned, 1)['AWS::KMS::Key']).toBe(1);
    expect(added(owned, 3)['AWS::KMS::Key']).toBe(1);
  });
});

describe('options', () => {
  test('each option is rendered on the mapping', () => {
    const { template } = build({
      batchSize: 500,
      maxBatchingWindow: Duration.seconds(30),
      retryAttempts: 10,
      maxRecordAge: Duration.hours(2),
      bisectBatchOnError: false,
      parallelizationFactor: 4,
      reportBatchItemFailures: false,
      tumblingWindow: Duration.minutes(5),
      filters: [lambda.FilterCriteria.filter({ eventName: lambda.FilterRule.isEqual('INSERT') })],
    });

    template.hasResourceProperties(MAPPING, {
      BatchSize: 500,
      MaximumBatchingWindowInSeconds: 30,
      MaximumRetryAttempts: 10,
      MaximumRecordAgeInSeconds: 7200,
      BisectBatchOnFunctionError: false,
      ParallelizationFactor: 4,
      FunctionResponseTypes: Match.absent(),
      TumblingWindowInSeconds: 300,
      FilterCriteria: { Filters: [{ Pattern: '{"eventName":["INSERT"]}' }] },
    });
  });

  test('LATEST is allowed and recorded as a loosened default', () => {
    const { stack, template } = build({ startingPosition: lambda.StartingPosition.LATEST });

    template.hasResourceProperties(MAPPING, { StartingPosition: 'LATEST' });
    Annotations.fromStack(stack).hasWarning('/Stack/Orders/Projector',
      Match.stringLikeRegexp('startingPosition is LATEST.*\\[ack: DynamoDbChecks::StreamConsumerStartsAtTrimHorizon\\]'));
  });

  test('an empty filter list means no filter', () => {
    const { template } = build({ filters: [] });

    template.hasResourceProperties(MAPPING, { FilterCriteria: Match.absent() });
  });

  test('values that are tokens pass through', () => {
    const stack = newStack();
    const table = new ProductionTable(stack, 'Orders', { partitionKey: pk });
    const number = (id: string) => new CfnParameter(stack, id, { type: 'Number' }).valueAsNumber;

    table.addStreamConsumer('Projector', {
      handler: handlerIn(stack),
      batchSize: number('BatchSize'),
      retryAttempts: number('Retries'),
      parallelizationFactor: number('Parallelization'),
    });

    Template.fromStack(stack).hasResourceProperties(MAPPING, {
      BatchSize: { Ref: 'BatchSize' },
      MaximumRetryAttempts: { Ref: 'Retries' },
      ParallelizationFactor: { Ref: 'Parallelization' },
    });
  });
});

describe('validation', () => {
  const distinctFilters = (count: number) => Array.from({ length: count }, (_, index) =>
    lambda.FilterCriteria.filter({ dynamodb: { Keys: { pk: { S: [`TENANT#${index}`] } } } }));
  const fifo = (stack: Stack) => new sqs.Queue(stack, 'Fifo', { fifo: true });
  const failing: Array<[string, (stack: Stack) => Partial<StreamConsumerOptions>, RegExp]> = [
    ['batchSize 0', () => ({ batchSize: 0 }), /batchSize must be an integer between 1 and 10000, got 0/],
    ['batchSize 10001', () => ({ batchSize: 10001 }), /batchSize must be an integer between 1 and 10000, got 10001/],
    ['retryAttempts -1', () => ({ retryAttempts: -1 }), /retryAttempts must be between 0 and 10000, got -1: infinite retries/],
    ['retryAttempts 10001', () => ({ retryAttempts: 10001 }), /retryAttempts must be an integer between 0 and 10000, got 10001/],
    ['maxRecordAge 59 s', () => ({ maxRecordAge: Duration.seconds(59) }), /maxRecordAge must be between 1 minute and 24 hours, got 59 seconds/],
    ['maxRecordAge 25 h', () => ({ maxRecordAge: Duration.hours(25) }), /maxRecordAge must be between 1 minute and 24 hours, got 1 day 1 hour/],
    ['parallelizationFactor 0', () => ({ parallelizationFactor: 0 }), /parallelizationFactor must be an integer between 1 and 10, got 0/],
    ['parallelizationFactor 11', () => ({ parallelizationFactor: 11 }), /parallelizationFactor must be an integer between 1 and 10, got 11/],
    ['maxBatchingWindow 301 s', () => ({ maxBatchingWindow: Duration.seconds(301) }), /maxBatchingWindow must be between 0 seconds and 5 minutes, got 5 minutes 1 second/],
    ['tumblingWindow 16 min', () => ({ tumblingWindow: Duration.minutes(16) }), /tumblingWindow must be between 0 seconds and 15 minutes, got 16 minutes/],
    ['AT_TIMESTAMP', () => ({ startingPosition: lambda.StartingPosition.AT_TIMESTAMP }), /startingPosition must be TRIM_HORIZON or LATEST, got AT_TIMESTAMP/],
    ['a queue and queue props', stack => ({ failureQueue: new sqs.Queue(stack, 'Q'), failureQueueProps: {} }), /failureQueue and failureQueueProps cannot both be given/],
    ['a FIFO queue', stack => ({ failureQueue: fifo(stack) }), /the failure queue must be a standard queue/],
    ['FIFO queue props', () => ({ failureQueueProps: { fifo: true } }), /the failure queue must be a standard queue/],
    ['11 filters', () => ({ filters: distinctFilters(11) }), /filters must hold at most 10 filters/],
    ['a repeated filter', () => ({ filters: [...distinctFilters(2), ...distinctFilters(1)] }), /filters\[2\] repeats filters\[0\]: each filter must be unique/],
    ['a filter without a pattern', () => ({ filters: [{ eventName: ['INSERT'] }] }), /filters\[0\] must be made with lambda.FilterCriteria.filter/],
    ['a pattern that is not a JSON object', () => ({ filters: [{ pattern: 'INSERT' }] }), /filters\[0\] must be made with lambda.FilterCriteria.filter/],
    ['iteratorAgeThreshold 30 s', () => ({ iteratorAgeThreshold: Duration.seconds(30) }), /iteratorAgeThreshold must be between 1 minute and 24 hours/],
    ['iteratorAgeThreshold at maxRecordAge', () => ({ iteratorAgeThreshold: Duration.hours(6) }), /iteratorAgeThreshold must be less than maxRecordAge \(6 hours\), got 6 hours/],
  ];
  const passing: Array<[string, Partial<StreamConsumerOptions>]> = [
    ['batchSize 1', { batchSize: 1 }],
    ['batchSize 10000', { batchSize: 10000 }],
    ['retryAttempts 0', { retryAttempts: 0 }],
    ['retryAttempts 10000', { retryAttempts: 10000 }],
    ['maxRecordAge 60 s', { maxRecordAge: Duration.seconds(60) }],
    ['maxRecordAge 24 h', { maxRecordAge: Duration.hours(24) }],
    ['parallelizationFactor 1', { parallelizationFactor: 1 }],
    ['parallelizationFactor 10', { parallelizationFactor: 10 }],
    ['maxBatchingWindow 300 s', { maxBatchingWindow: Duration.seconds(300) }],
    ['tumblingWindow 15 min', { tumblingWindow: Duration.minutes(15) }],
    ['TRIM_HORIZON', { startingPosition: lambda.StartingPosition.TRIM_HORIZON }],
    ['10 filters', { filters: distinctFilters(10) }],
    ['iteratorAgeThreshold just below maxRecordAge', { iteratorAgeThreshold: Duration.minutes(359) }],
  ];

  test.each(failing)('%s is refused', (_name, options, message) => {
    const stack = newStack();
    const table = new ProductionTable(stack, 'Orders', { partitionKey: pk });
    const props = options(stack);

    expect(() => table.addStreamConsumer('Projector', { handler: handlerIn(stack), ...props })).toThrow(DynamoDbKitError);
    expect(() => table.addStreamConsumer('Projector2', { handler: handlerIn(stack, 'Handler2'), ...props }))
      .toThrow(new RegExp(`^Stack/Orders/Projector2: ${message.source}`));
  });

  test.each(passing)('%s is accepted', (_name, options) => {
    expect(() => build(options)).not.toThrow();
  });

  test('a table without a stream is refused', () => {
    const stack = newStack();
    const table = new dynamodb.TableV2(stack, 'Plain', { partitionKey: pk });

    expect(() => new StreamConsumer(stack, 'Projector', { table, handler: handlerIn(stack) })).toThrow(/^Stack\/Projector: table Stack\/Plain has no stream/);
  });
});

describe('alarms', () => {
  const topic = { Ref: Match.stringLikeRegexp('^DynamoDbKitAlarmsTopic') };
  const common = { ActionsEnabled: true, AlarmActions: [topic], OKActions: [topic], ComparisonOperator: 'GreaterThanOrEqualToThreshold', Period: 60 };
  const byMapping = (mapping: string) => [{ Name: 'EventSourceMappingUUID', Value: { Ref: mapping } }];

  test('the mapping asks Lambda for its own event counts, which the failure alarms read', () => {
    const { template } = build();

    template.hasResourceProperties(MAPPING, { MetricsConfig: { Metrics: ['EventCount'] } });
  });

  test('iterator age per function, failed and dropped records per mapping, and failure-queue depth, each notifying the stack topic', () => {
    const { template, consumer } = build();
    const mapping = ref(template, MAPPING, '^OrdersProjectorMapping');
    const fn = { Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('^Handler') } };

    expect(consumer.alarms).toHaveLength(4);
    template.resourcePropertiesCountIs(ALARM, { AlarmDescription: Match.stringLikeRegexp('stream') }, 4);
    template.hasResourceProperties(ALARM, {
      ...common,
      Namespace: 'AWS/Lambda',
      MetricName: 'IteratorAge',
      Dimensions: [fn],
      Statistic: 'Maximum',
      Threshold: 3_600_000,
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      AlarmDescription: Match.stringLikeRegexp('lags 1 hour or more.*raise parallelizationFactor'),
    });
    template.hasResourceProperties(ALARM, {
      ...common,
      Namespace: 'AWS/Lambda',
      MetricName: 'FailedInvokeEventCount',
      Dimensions: byMapping(mapping),
      Statistic: 'Sum',
      Threshold: 1,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      TreatMissingData: 'notBreaching',
      AlarmDescription: Match.stringLikeRegexp('failed in this consumer every minute for 3 minutes.*batchItemFailures.*Read the function\'s logs'),
    });
    template.hasResourceProperties(ALARM, {
      ...common,
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OrdersProjectorFailureQueue'), 'QueueName'] } }],
      Statistic: 'Maximum',
      Threshold: 1,
      EvaluationPeriods: 1,
      TreatMissingData: 'ignore',
      AlarmDescription: Match.stringLikeRegexp('not the records: re-read them from the stream within 24 hours'),
    });
    template.hasResourceProperties(ALARM, {
      ...common,
      Namespace: 'AWS/Lambda',
      MetricName: 'DroppedEventCount',
      Dimensions: byMapping(mapping),
      Statistic: 'Sum',
      Threshold: 1,
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      AlarmDescription: Match.stringLikeRegexp('failure queue refused them, so they are neither processed nor recorded'),
    });
  });

  test('no alarm reads the function-wide Errors or DestinationDeliveryFailures: the mapping\'s own counts replace them', () => {
    const { template } = build();

    template.resourcePropertiesCountIs(ALARM, { MetricName: 'Errors' }, 0);
    template.resourcePropertiesCountIs(ALARM, { MetricName: 'DestinationDeliveryFailures' }, 0);
  });

  test('two consumers on one function each alarm on their own mapping', () => {
    const stack = newStack();
    const orders = new ProductionTable(stack, 'Orders', { partitionKey: pk });
    const invoices = new ProductionTable(stack, 'Invoices', { partitionKey: pk });
    const handler = handlerIn(stack);

    const first = orders.addStreamConsumer('Projector', { handler });
    const second = invoices.addStreamConsumer('Projector', { handler });

    const template = Template.fromStack(stack);
    const mappings = [ref(template, MAPPING, '^OrdersProjectorMapping'), ref(template, MAPPING, '^InvoicesProjectorMapping')];
    for (const metric of ['FailedInvokeEventCount', 'DroppedEventCount']) {
      const alarms = Object.values(template.findResources(ALARM, { Properties: { MetricName: metric } }));
      expect(alarms.map(alarm => alarm.Properties.Dimensions)).toEqual(mappings.map(byMapping));
    }
    const path = (consumer: StreamConsumer, id: string) => consumer.alarms.find(alarm => alarm.node.id === id)!.node.path;
    expect(path(first, 'DroppedRecords')).toEqual('Stack/Orders/Projector/DroppedRecords');
    expect(path(second, 'DroppedRecords')).toEqual('Stack/Invoices/Projector/DroppedRecords');
  });

  test('the alarms have stable ids, nouns without an Alarm suffix like the table\'s, and are Alarms', () => {
    const { consumer } = build();

    expect(consumer.alarms.map(alarm => alarm.node.id)).toEqual(['IteratorAge', 'FailedRecords', 'FailureQueueDepth', 'DroppedRecords']);
    consumer.alarms.forEach(alarm => expect(alarm).toBeInstanceOf(cloudwatch.Alarm));
  });

  test('the iterator age threshold is an option, and defaults to half of a short maxRecordAge', () => {
    expect(build({ iteratorAgeThreshold: Duration.minutes(20) }).template.findResources(ALARM, { Properties: { MetricName: 'IteratorAge', Threshold: 1_200_000 } }))
      .not.toEqual({});
    expect(build({ maxRecordAge: Duration.minutes(40) }).template.findResources(ALARM, { Properties: { MetricName: 'IteratorAge', Threshold: 1_200_000 } }))
      .not.toEqual({});
  });

  test('alarms go to a topic of your own', () => {
    const stack = newStack();
    const table = new ProductionTable(stack, 'Orders', { partitionKey: pk });
    const pager = new sns.Topic(stack, 'Pager');

    table.addStreamConsumer('Projector', { handler: handlerIn(stack), alarmActions: AlarmActions.topic(pager) });

    Template.fromStack(stack).resourcePropertiesCountIs(ALARM, {
      AlarmDescription: Match.stringLikeRegexp('stream'),
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^Pager') }],
    }, 4);
  });

  test('AlarmActions.none() makes no alarm and records a warning', () => {
    const { stack, consumer, template } = build({ alarmActions: AlarmActions.none() });

    expect(consumer.alarms).toEqual([]);
    template.resourcePropertiesCountIs(ALARM, { AlarmDescription: Match.stringLikeRegexp('stream') }, 0);
    Annotations.fromStack(stack).hasWarning('/Stack/Orders/Projector',
      Match.stringLikeRegexp('nobody is told.*\\[ack: DynamoDbChecks::AlarmsNotify\\]'));
  });
});

describe('reader guidance', () => {
  const READERS = Match.stringLikeRegexp('StreamReadersWithinGuidance');

  test('two consumers on a table are fine; a third records a warning', () => {
    const stack = newStack();
    const table = new ProductionTable(stack, 'Orders', { partitionKey: pk });
    const handler = (name: string) => handlerIn(stack, name);

    table.addStreamConsumer('First', { handler: handler('FirstHandler') });
    table.addStreamConsumer('Second', { handler: handler('SecondHandler') });
    Annotations.fromStack(stack).hasNoWarning('*', READERS);

    table.addStreamConsumer('Third', { handler: handler('ThirdHandler') });
    const warnings = Annotations.fromStack(stack).findWarning('*', READERS);
    expect(warnings.map(w => w.id)).toEqual(['/Stack/Orders/Third']);
    expect(warnings[0].entry.data).toMatch(/Stack\/Orders now has 3 stream consumers.*more than 2 readers per stream shard/);
  });

  test('a table with replicas warns at its second consumer', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const table = new ProductionTable(stack, 'Orders', {
      partitionKey: pk,
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(key, { 'us-west-2': 'arn:aws:kms:us-west-2:111111111111:key/replica' }),
      replicas: [{ region: 'us-west-2' }],
    });
    const handler = (name: string) => handlerIn(stack, name);

    table.addStreamConsumer('First', { handler: handler('FirstHandler') });
    table.addStreamConsumer('Second', { handler: handler('SecondHandler') });

    const warnings = Annotations.fromStack(stack).findWarning('*', READERS);
    expect(warnings.map(w => w.id)).toEqual(['/Stack/Orders/Second']);
    expect(warnings[0].entry.data).toMatch(/1 for a global table \(this table has replicas\)/);
  });

  test('standalone consumers are counted per table across stacks of the app', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack', { env: ENV });
    const table = new dynamodb.TableV2(stack, 'Plain', { partitionKey: pk, dynamoStream: dynamodb.StreamViewType.NEW_IMAGE });
    const other = new dynamodb.TableV2(stack, 'Other', { partitionKey: pk, dynamoStream: dynamodb.StreamViewType.NEW_IMAGE });
    const handler = (name: string) => handlerIn(stack, name);

    new StreamConsumer(stack, 'A', { table, handler: handler('AHandler') });
    new StreamConsumer(stack, 'B', { table, handler: handler('BHandler') });
    new StreamConsumer(stack, 'C', { table: other, handler: handler('CHandler') });
    Annotations.fromStack(stack).hasNoWarning('*', READERS);

    new StreamConsumer(stack, 'D', { table, handler: handler('DHandler') });
    expect(Annotations.fromStack(stack).findWarning('*', READERS).map(w => w.id)).toEqual(['/Stack/D']);
  });
});

describe('StreamConsumer on any table', () => {
  test('a Table with a stream and a customer-managed key', () => {
    const stack = newStack();
    const table = new dynamodb.Table(stack, 'Legacy', {
      partitionKey: pk,
      stream: dynamodb.StreamViewType.NEW_IMAGE,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
    });

    new StreamConsumer(stack, 'Projector', { table, handler: handlerIn(stack) });

    const template = Template.fromStack(stack);
    template.hasResourceProperties(MAPPING, { EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Legacy'), 'StreamArn'] } });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'DecryptTableStream', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LegacyKey'), 'Arn'] } }),
        ]),
      },
    });
  });

  test('an imported table needs its stream ARN', () => {
    const stack = newStack();
    const streamArn = 'arn:aws:dynamodb:eu-west-1:111111111111:table/orders/stream/2024-01-01T00:00:00.000';
    const withStream = dynamodb.TableV2.fromTableAttributes(stack, 'WithStream', { tableName: 'orders', tableStreamArn: streamArn });
    const withoutStream = dynamodb.TableV2.fromTableAttributes(stack, 'WithoutStream', { tableName: 'orders' });

    new StreamConsumer(stack, 'Projector', { table: withStream, handler: handlerIn(stack) });

    Template.fromStack(stack).hasResourceProperties(MAPPING, { EventSourceArn: streamArn });
    expect(() => new StreamConsumer(stack, 'Broken', { table: withoutStream, handler: handlerIn(stack, 'H2') }))
      .toThrow(/^Stack\/Broken: table Stack\/WithoutStream has no stream/);
  });
});

describe('two stacks: a table in a data stack, its handler in a service stack', () => {
  function twoStacks() {
    const app = new App();
    const data = new Stack(app, 'Data', { env: ENV });
    const service = new Stack(app, 'Service', { env: ENV });
    const table = new ProductionTable(data, 'Orders', { partitionKey: pk });
    const handler = handlerIn(service);
    table.grantReadWriteData(handler);
    return { app, data, service, table, handler };
  }

  test('addStreamConsumer with a grant synthesizes: the consumer goes into the handler\'s stack, which depends on the table\'s', () => {
    // GIVEN
    const { app, data, service, table, handler } = twoStacks();

    // WHEN
    const consumer = table.addStreamConsumer('Projector', { handler });

    // THEN
    expect(() => app.synth()).not.toThrow();
    expect(consumer.node.path).toEqual('Service/DataOrdersProjector');
    expect(service.dependencies).toEqual([data]);
    expect(data.dependencies).toEqual([]);
    Template.fromStack(service).resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    Template.fromStack(data).resourceCountIs('AWS::Lambda::EventSourceMapping', 0);
  });

  test('the consumer\'s failure queue is encrypted with a key of its own stack, not the table key of the other', () => {
    // GIVEN
    const { service, table, handler } = twoStacks();

    // WHEN
    const consumer = table.addStreamConsumer('Projector', { handler });

    // THEN: Control Tower's CT.SQS.PR.2 accepts a KmsMasterKeyId only from the same template
    expect(consumer.failureQueue.encryptionMasterKey!.node.path).toEqual('Service/DynamoDbKitFailureQueueKey');
    const template = Template.fromStack(service);
    const [serviceKey] = Object.keys(template.findResources('AWS::KMS::Key')).filter(id => id.startsWith('DynamoDbKitFailureQueueKey'));
    template.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: { 'Fn::GetAtt': [serviceKey, 'Arn'] } });
  });

  test('a handler in a nested stack of the service stack works too', () => {
    const app = new App();
    const data = new Stack(app, 'Data', { env: ENV });
    const service = new Stack(app, 'Service', { env: ENV });
    const nested = new NestedStack(service, 'Handlers');
    const table = new ProductionTable(data, 'Orders', { partitionKey: pk });
    const handler = handlerIn(nested as unknown as Stack);
    table.grantReadWriteData(handler);

    const consumer = table.addStreamConsumer('Projector', { handler });

    expect(() => app.synth()).not.toThrow();
    expect(Stack.of(consumer)).toBe(nested);
  });

  test('when the table\'s stack depends on the handler\'s, the cycle is refused with the fix named', () => {
    const { data, service, table, handler } = twoStacks();
    data.addDependency(service);

    expect(() => table.addStreamConsumer('Projector', { handler })).toThrow(
      /^Service\/DataOrdersProjector: the table's stack Data depends on Service, where the consumer of Data\/Orders would be made; .* Make the handler in the table's stack, or in a stack that depends on the table's stack/,
    );
  });
});

describe('one mapping per stream and function', () => {
  test('a second consumer of the same stream with the same function is refused: Lambda would refuse it at deploy', () => {
    const stack = newStack();
    const table = new ProductionTable(stack, 'Orders', { partitionKey: pk });
    const handler = handlerIn(stack);
    table.addStreamConsumer('A', { handler });

    expect(() => table.addStreamConsumer('B', { handler })).toThrow(
      /^Stack\/Orders\/B: handler Stack\/Handler already consumes the stream of Stack\/Orders \(Stack\/Orders\/A\), and Lambda allows one event source mapping per stream and function/,
    );
  });

  test('the same function on two tables is fine', () => {
    const stack = newStack();
    const handler = handlerIn(stack);
    new ProductionTable(stack, 'Orders', { partitionKey: pk }).addStreamConsumer('A', { handler });

    expect(() => new ProductionTable(stack, 'Invoices', { partitionKey: pk }).addStreamConsumer('A', { handler })).not.toThrow();
  });
});
