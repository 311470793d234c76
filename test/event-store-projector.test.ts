import { AddressInfo } from 'net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { createProjector, StreamEvent, StreamRecord } from '../examples/event-store/projector';

// dynalite has no type declarations: a DynamoDB-compatible server on LevelDB, in memory here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite: (options: { createTableMs: number }) => import('http').Server = require('dynalite');

const STREAM_ARN = 'arn:aws:dynamodb:eu-west-1:111111111111:table/Events/stream/2026-01-01T00:00:00.000';
let sequence = 100;

/** A stream record exactly as Lambda delivers it for a NEW_IMAGE stream (AttributeValue JSON). */
function record(eventName: 'INSERT' | 'MODIFY' | 'REMOVE', item: Record<string, any>): StreamRecord {
  const image = marshall(item);
  const keys = marshall({ pk: item.pk, sk: item.sk });
  sequence += 100;
  const eventRecord: StreamRecord = {
    eventID: `event-${sequence}`,
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'eu-west-1',
    eventSourceARN: STREAM_ARN,
    dynamodb: {
      ApproximateCreationDateTime: 1767225600,
      Keys: keys,
      ...(eventName === 'REMOVE' ? { OldImage: image } : { NewImage: image }),
      SequenceNumber: `${sequence}000000000000000000001`,
      SizeBytes: 120,
      StreamViewType: 'NEW_IMAGE',
    },
  };
  return eventRecord;
}

const event = (orderId: string, at: string, type: string, data: Record<string, any>) => ({
  pk: `AGGREGATE#${orderId}`, sk: `EVENT#${at}#${type}-${at}`, type, data,
});
const placed = (orderId: string, at = '2026-01-01T10:00:00.000Z') => event(orderId, at, 'OrderPlaced', { customerId: 'c-1' });
const itemAdded = (orderId: string, at: string, quantity: number, unitPriceCents: number) =>
  event(orderId, at, 'ItemAdded', { sku: 'sku-1', quantity, unitPriceCents });
const batch = (...records: StreamRecord[]): StreamEvent => ({ Records: records });

describe('projector, against a recording client', () => {
  function projectorWith(fail: (input: any) => Error | undefined = () => undefined) {
    const sent: any[] = [];
    const client = {
      send: async (command: any) => {
        const error = fail(command.input);
        if (error) {
          throw error;
        }
        sent.push(command.input);
        return {};
      },
    } as unknown as DynamoDBDocumentClient;
    return { sent, project: createProjector({ client, tableName: 'Orders', log: () => {} }) };
  }

  test('an INSERT of an event becomes one conditional update of the read model', async () => {
    const { sent, project } = projectorWith();

    const response = await project(batch(record('INSERT', placed('o-1'))));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(sent).toEqual([expect.objectContaining({
      TableName: 'Orders',
      Key: { orderId: 'o-1' },
      ConditionExpression: 'attribute_not_exists(lastEventSk) OR lastEventSk < :sk',
      ExpressionAttributeValues: expect.objectContaining({ ':status': 'PLACED', ':customer': 'c-1', ':sk': 'EVENT#2026-01-01T10:00:00.000Z#OrderPlaced-2026-01-01T10:00:00.000Z' }),
    })]);
  });

  test('MODIFY and REMOVE records, and items that are not events, change nothing', async () => {
    const { sent, project } = projectorWith();

    const response = await project(batch(
      record('MODIFY', placed('o-1')),
      record('REMOVE', placed('o-1')),
      record('INSERT', { pk: 'AGGREGATE#o-1', sk: 'SNAPSHOT#1', state: {} }),
    ));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(sent).toEqual([]);
  });

  test('a poison record is reported, and the records after it are left for the retry', async () => {
    const { sent, project } = projectorWith();
    const poison = record('INSERT', event('o-1', '2026-01-01T10:01:00.000Z', 'OrderTeleported', {}));

    const response = await project(batch(
      record('INSERT', placed('o-1')),
      poison,
      record('INSERT', itemAdded('o-1', '2026-01-01T10:02:00.000Z', 1, 500)),
    ));

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: poison.dynamodb!.SequenceNumber }] });
    expect(sent).toHaveLength(1);
  });

  test('malformed event data is a poison record', async () => {
    const { project } = projectorWith();
    const bad = record('INSERT', itemAdded('o-1', '2026-01-01T10:02:00.000Z', 'two' as any, 500));

    expect(await project(batch(bad))).toEqual({ batchItemFailures: [{ itemIdentifier: bad.dynamodb!.SequenceNumber }] });
  });

  test('an INSERT without a new image (a KEYS_ONLY stream) is reported, not skipped', async () => {
    const { project } = projectorWith();
    const keysOnly = record('INSERT', placed('o-1'));
    const { NewImage: _image, ...dynamodb } = keysOnly.dynamodb!;

    const response = await project(batch({ ...keysOnly, dynamodb }));

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: keysOnly.dynamodb!.SequenceNumber }]);
  });

  test('a throttled write is reported so that Lambda retries from it', async () => {
    const throttle = Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' });
    const { project } = projectorWith(input => input.Key.orderId === 'o-2' ? throttle : undefined);
    const second = record('INSERT', placed('o-2'));

    const response = await project(batch(record('INSERT', placed('o-1')), second, record('INSERT', placed('o-3'))));

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: second.dynamodb!.SequenceNumber }] });
  });

  test('an event applied before (a replay or a redrive) is skipped, not failed', async () => {
    const applied = Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });
    const { project } = projectorWith(() => applied);

    expect(await project(batch(record('INSERT', placed('o-1'))))).toEqual({ batchItemFailures: [] });
  });
});

describe('projector, against dynalite', () => {
  let server: import('http').Server;
  let documents: DynamoDBDocumentClient;

  beforeAll(async () => {
    server = dynalite({ createTableMs: 0 });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const client = new DynamoDBClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    documents = DynamoDBDocumentClient.from(client);
    await client.send(new CreateTableCommand({
      TableName: 'Orders',
      AttributeDefinitions: [{ AttributeName: 'orderId', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'orderId', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }));
  }, 30_000);

  afterAll(async () => {
    documents?.destroy();
    await new Promise(resolve => server.close(resolve));
  });

  const order = async (orderId: string) =>
    (await documents.send(new GetCommand({ TableName: 'Orders', Key: { orderId } }))).Item;

  test('a batch of events builds the read model', async () => {
    const project = createProjector({ client: documents, tableName: 'Orders', log: () => {} });

    const response = await project(batch(
      record('INSERT', placed('o-10')),
      record('INSERT', itemAdded('o-10', '2026-01-01T10:01:00.000Z', 2, 1250)),
      record('INSERT', itemAdded('o-10', '2026-01-01T10:02:00.000Z', 1, 500)),
      record('INSERT', event('o-10', '2026-01-01T11:00:00.000Z', 'OrderShipped', {})),
    ));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(await order('o-10')).toEqual({
      orderId: 'o-10',
      customerId: 'c-1',
      status: 'SHIPPED',
      itemCount: 3,
      totalCents: 3000,
      version: 4,
      placedAt: '2026-01-01T10:00:00.000Z',
      updatedAt: '2026-01-01T11:00:00.000Z',
      lastEventSk: 'EVENT#2026-01-01T11:00:00.000Z#OrderShipped-2026-01-01T11:00:00.000Z',
    });
  });

  test('replaying a batch (a retry or a redrive from the stream) changes nothing', async () => {
    const project = createProjector({ client: documents, tableName: 'Orders', log: () => {} });
    const events = batch(
      record('INSERT', placed('o-11')),
      record('INSERT', itemAdded('o-11', '2026-01-01T10:01:00.000Z', 1, 999)),
    );

    await project(events);
    const once = await order('o-11');
    const replay = await project(events);

    expect(replay).toEqual({ batchItemFailures: [] });
    expect(await order('o-11')).toEqual(once);
    expect(once).toMatchObject({ version: 2, totalCents: 999 });
  });

  test('a poison record stops the batch; the events before it are applied', async () => {
    const project = createProjector({ client: documents, tableName: 'Orders', log: () => {} });
    const poison = record('INSERT', event('o-12', '2026-01-01T10:01:00.000Z', 'OrderTeleported', {}));

    const response = await project(batch(
      record('INSERT', placed('o-12')),
      poison,
      record('INSERT', event('o-12', '2026-01-01T10:02:00.000Z', 'OrderCancelled', {})),
    ));

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: poison.dynamodb!.SequenceNumber }] });
    expect(await order('o-12')).toMatchObject({ status: 'PLACED', version: 1 });
  });
});
