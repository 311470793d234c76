/**
 * An event-sourced order store with a CQRS read model. Events are immutable items
 * (`pk = AGGREGATE#<orderId>`, `sk = EVENT#<ISO timestamp>#<eventId>`) in one ProductionTable; its
 * stream feeds a projector Lambda (`event-store/projector.ts`) that folds them into the `Orders`
 * read model, another ProductionTable. A batch the projector cannot apply ends, after 3 retries,
 * as coordinates in the consumer's alarmed failure queue, with most of the stream's 24 hours left
 * to re-read it (see the README, "Streams").
 *
 *   npx cdk synth --app "npx ts-node examples/event-store.ts"
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack, StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import * as ts from 'typescript';
import { addComplianceChecks } from './compliance';
import { streamHandler } from './stream-handler';
import { AlarmTopic, ProductionTable, StreamConsumer } from '../src';

export interface EventStoreStackProps extends StackProps {
  /** Who is paged when the projector lags or fails. */
  readonly oncallEmail?: string;
}

export class EventStoreStack extends Stack {
  /** The event store: one item per event, never updated. */
  public readonly events: ProductionTable;
  /** The read model: one item per order. */
  public readonly orders: ProductionTable;
  public readonly projection: StreamConsumer;

  constructor(scope: Construct, id: string, props: EventStoreStackProps = {}) {
    super(scope, id, props);

    this.events = new ProductionTable(this, 'Events', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      // The projector needs only the new event.
      dynamoStream: dynamodb.StreamViewType.NEW_IMAGE,
    });
    this.orders = new ProductionTable(this, 'Orders', {
      partitionKey: { name: 'orderId', type: dynamodb.AttributeType.STRING },
    });

    const projector = streamHandler(this, 'Projector', {
      code: projectorCode(),
      environment: { READ_MODEL_TABLE: this.orders.tableName },
      statements: [
        new iam.PolicyStatement({ actions: ['dynamodb:UpdateItem'], resources: [this.orders.tableArn] }),
        new iam.PolicyStatement({
          actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
          resources: [this.orders.encryptionKey!.keyArn],
        }),
      ],
    });

    this.projection = this.events.addStreamConsumer('Projection', {
      handler: projector,
      // Only new events reach the function; snapshots and other items in the table do not.
      filters: [lambda.FilterCriteria.filter({
        eventName: lambda.FilterRule.isEqual('INSERT'),
        dynamodb: { Keys: { sk: { S: lambda.FilterRule.beginsWith('EVENT#') } } },
      })],
    });

    AlarmTopic.of(this).addEmailSubscription(props.oncallEmail ?? 'oncall@example.com');
  }
}

/**
 * The projector, compiled to one CommonJS file at synth. The Lambda runtime provides the AWS SDK,
 * so nothing else is bundled.
 */
function projectorCode(): lambda.Code {
  const source = path.join(__dirname, 'event-store', 'projector.ts');
  return lambda.Code.fromAsset(path.dirname(source), {
    bundling: {
      image: lambda.Runtime.NODEJS_24_X.bundlingImage,
      local: {
        tryBundle(outputDir: string): boolean {
          const output = ts.transpileModule(fs.readFileSync(source, 'utf-8'), {
            compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
          });
          fs.writeFileSync(path.join(outputDir, 'index.js'), output.outputText);
          return true;
        },
      },
    },
  });
}

if (require.main === module) {
  const app = new App();
  addComplianceChecks(app);
  new EventStoreStack(app, 'EventStoreExample');
  app.synth();
}
