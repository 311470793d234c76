/**
 * The projector of the event-store example: it reads new events from the event store's stream and
 * folds them into the order read model (CQRS).
 *
 * - Events are immutable items `pk = AGGREGATE#<orderId>`, `sk = EVENT#<ISO timestamp>#<eventId>`.
 * - Each projection is a conditional update that applies an event only if it is newer than the last
 *   one applied (`lastEventSk`). Replays, retries and redrives are therefore harmless.
 * - Records are processed in order. At the first record that fails, the projector stops and reports
 *   it in `batchItemFailures`: Lambda retries from that record, so later records of the batch are
 *   not applied out of order. A record that can never be applied (an unknown event type, a malformed
 *   item) fails every retry and its batch's coordinates end in the consumer's failure queue.
 *
 * It runs on the Lambda Node.js runtime, which includes the AWS SDK for JavaScript v3.
 */
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand, UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';

/** A DynamoDB stream record as Lambda delivers it; images are in AttributeValue form. */
export interface StreamRecord {
  readonly eventID?: string;
  readonly eventName?: 'INSERT' | 'MODIFY' | 'REMOVE';
  readonly eventVersion?: string;
  readonly eventSource?: string;
  readonly awsRegion?: string;
  readonly eventSourceARN?: string;
  readonly dynamodb?: {
    readonly ApproximateCreationDateTime?: number;
    readonly Keys?: Record<string, any>;
    readonly NewImage?: Record<string, any>;
    readonly OldImage?: Record<string, any>;
    readonly SequenceNumber?: string;
    readonly SizeBytes?: number;
    readonly StreamViewType?: string;
  };
}

export interface StreamEvent {
  readonly Records: StreamRecord[];
}

/** What Lambda reads back when the mapping reports batch item failures. */
export interface BatchResponse {
  readonly batchItemFailures: Array<{ readonly itemIdentifier: string }>;
}

/** An event of an order aggregate, as stored in the event store. */
interface OrderEvent {
  readonly orderId: string;
  readonly sk: string;
  readonly at: string;
  readonly type: string;
  readonly data: Record<string, any>;
}

export interface ProjectorOptions {
  readonly client: DynamoDBDocumentClient;
  /** The read-model table: partition key `orderId`. */
  readonly tableName: string;
  readonly log?: (message: string) => void;
}

const AGGREGATE_PREFIX = 'AGGREGATE#';
const EVENT_PREFIX = 'EVENT#';

/** A record that can never be projected; retrying it will not help. */
export class PoisonRecordError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PoisonRecordError';
  }
}

export function createProjector(options: ProjectorOptions): (event: StreamEvent) => Promise<BatchResponse> {
  const log = options.log ?? ((message: string) => console.log(message));

  return async (event: StreamEvent): Promise<BatchResponse> => {
    for (const record of event.Records) {
      const sequenceNumber = record.dynamodb?.SequenceNumber ?? '';
      try {
        const orderEvent = toOrderEvent(record);
        if (orderEvent === undefined) {
          continue;
        }
        await apply(options, orderEvent, log);
      } catch (error) {
        log(`FAILED ${sequenceNumber} (${record.eventID}): ${(error as Error).name}: ${(error as Error).message}`);
        // Lambda retries from this record; later records of the batch are sent again.
        return { batchItemFailures: [{ itemIdentifier: sequenceNumber }] };
      }
    }
    return { batchItemFailures: [] };
  };
}

/** The event a record carries, or undefined when the record is not a new event. */
export function toOrderEvent(record: StreamRecord): OrderEvent | undefined {
  // Events are immutable: only INSERTs are new events. A REMOVE is an expired or archived event,
  // a MODIFY is a correction of metadata; neither changes the read model.
  if (record.eventName !== 'INSERT') {
    return undefined;
  }
  const image = record.dynamodb?.NewImage;
  if (image === undefined) {
    throw new PoisonRecordError('an INSERT without NewImage: the stream must include new images');
  }
  const item = unmarshall(image);
  if (typeof item.pk !== 'string' || typeof item.sk !== 'string'
    || !item.pk.startsWith(AGGREGATE_PREFIX) || !item.sk.startsWith(EVENT_PREFIX)) {
    return undefined;
  }
  const [, at] = item.sk.split('#');
  if (typeof item.type !== 'string' || !at) {
    throw new PoisonRecordError(`event ${item.pk} ${item.sk} has no type or no timestamp`);
  }
  return { orderId: item.pk.slice(AGGREGATE_PREFIX.length), sk: item.sk, at, type: item.type, data: item.data ?? {} };
}

async function apply(options: ProjectorOptions, event: OrderEvent, log: (message: string) => void): Promise<void> {
  const update = projection(event);
  const set = [...update.set, 'lastEventSk = :sk', 'updatedAt = :at'];
  const add = ['version :one', ...update.add];
  const input: UpdateCommandInput = {
    TableName: options.tableName,
    Key: { orderId: event.orderId },
    UpdateExpression: `SET ${set.join(', ')} ADD ${add.join(', ')}`,
    // Apply each event once, in order: replays and redrives of older events change nothing.
    ConditionExpression: 'attribute_not_exists(lastEventSk) OR lastEventSk < :sk',
    ExpressionAttributeNames: update.names,
    ExpressionAttributeValues: { ...update.values, ':sk': event.sk, ':at': event.at, ':one': 1 },
  };
  try {
    await options.client.send(new UpdateCommand(input));
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException || (error as Error).name === 'ConditionalCheckFailedException') {
      log(`SKIPPED ${event.orderId} ${event.sk}: already applied`);
      return;
    }
    throw error;
  }
}

interface Projection {
  readonly set: string[];
  readonly add: string[];
  readonly names?: Record<string, string>;
  readonly values: Record<string, any>;
}

function projection(event: OrderEvent): Projection {
  const status = (value: string): Projection => ({
    set: ['#status = :status'], add: [], names: { '#status': 'status' }, values: { ':status': value },
  });
  switch (event.type) {
    case 'OrderPlaced':
      return {
        set: ['#status = :status', 'customerId = :customer', 'placedAt = :at'],
        add: [],
        names: { '#status': 'status' },
        values: { ':status': 'PLACED', ':customer': requireString(event, 'customerId') },
      };
    case 'ItemAdded':
      return {
        set: [],
        add: ['itemCount :quantity', 'totalCents :amount'],
        values: {
          ':quantity': requireNumber(event, 'quantity'),
          ':amount': requireNumber(event, 'quantity') * requireNumber(event, 'unitPriceCents'),
        },
      };
    case 'OrderShipped':
      return status('SHIPPED');
    case 'OrderCancelled':
      return status('CANCELLED');
    default:
      throw new PoisonRecordError(`unknown event type '${event.type}' in ${event.orderId} ${event.sk}`);
  }
}

function requireString(event: OrderEvent, field: string): string {
  const value = event.data[field];
  if (typeof value !== 'string' || value.length === 0) {
    throw new PoisonRecordError(`${event.type} ${event.orderId} ${event.sk}: data.${field} must be a string`);
  }
  return value;
}

function requireNumber(event: OrderEvent, field: string): number {
  const value = event.data[field];
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new PoisonRecordError(`${event.type} ${event.orderId} ${event.sk}: data.${field} must be a number`);
  }
  return value;
}

let projector: ((event: StreamEvent) => Promise<BatchResponse>) | undefined;

/** The Lambda entry point: the read model's name comes from READ_MODEL_TABLE. */
export async function handler(event: StreamEvent): Promise<BatchResponse> {
  projector ??= createProjector({
    client: DynamoDBDocumentClient.from(new DynamoDBClient({})),
    tableName: requiredEnv('READ_MODEL_TABLE'),
  });
  return projector(event);
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set`);
  }
  return value;
}
