import { Aspects, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, IConstruct } from 'constructs';
import { HardenedKey } from './encryption-key';
import { allowAlarmsToPublish } from './private/alarm-publishing';
import { destroyKey, destroyWithTables, tablesOfStack } from './private/removal';
import { sharedConstruct } from './private/shared-construct';
import { Kinds, required, validateEmail, validateHttpsUrl, validateKind } from './private/validation';
import { Guidance, warnGuidance } from './private/warnings';

// Fixed id at stack scope: one alarm topic per stack, whichever table or consumer asks first.
const TOPIC_ID = 'DynamoDbKitAlarms';

/**
 * The stack's alarm topic: every alarm of the library notifies it unless told otherwise.
 *
 * - a topic policy that lets this account's CloudWatch alarms publish (`aws:SourceAccount`, and an
 *   `aws:SourceArn` of this account's alarms in this region) and refuses publishing without TLS;
 * - encrypted with a `HardenedKey` whose policy lets CloudWatch use it, since an alarm cannot
 *   publish to an encrypted topic otherwise;
 * - subscriptions get a dead-letter queue, so a notification that cannot be delivered is kept.
 *
 * Its key and dead-letter queue are retained, unless every DynamoDB table of the stack is deleted
 * with it (a removable dev stack): then they go too, the key after KMS's shortest waiting period.
 *
 * **A topic with no subscriber tells nobody.** Subscribe a person or a pager with
 * `addEmailSubscription` or `addHttpsSubscription`, or subscribe your own endpoints to `topic`.
 */
export class AlarmTopic extends Construct {
  /**
   * The alarm topic of the stack that holds `scope`, created on first use.
   */
  public static of(scope: IConstruct): AlarmTopic {
    validateKind('AlarmTopic.of scope', scope, required(Kinds.construct));
    const stack = Stack.of(scope);
    return sharedConstruct(stack, TOPIC_ID, AlarmTopic, () => new AlarmTopic(stack, TOPIC_ID));
  }

  /** The SNS topic. */
  public readonly topic: sns.Topic;
  /** The key that encrypts the topic and its dead-letter queue. */
  public readonly key: kms.IKey;
  private deadLetterQueue?: sqs.Queue;

  private constructor(scope: Construct, id: string) {
    super(scope, id);

    const key = new HardenedKey(this, 'Key', {
      description: `Encrypts the DynamoDB alarm topic of ${Stack.of(this).stackName}`,
    });
    // SNS encrypts with the key what it sends to the subscriptions' dead-letter queue, which shares
    // it (SNS developer guide, "Configuring an Amazon SNS dead-letter queue": the key of an
    // encrypted queue must let sns.amazonaws.com use kms:Decrypt and kms:GenerateDataKey*). AWS's
    // examples carry no condition, and which source keys SNS's KMS call carries is not documented.
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowSnsToEncryptForTheDeadLetterQueue',
      principals: [new iam.ServicePrincipal('sns.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
    }));
    this.key = key;

    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'DynamoDB alarms',
      masterKey: key,
      enforceSSL: true,
    });
    // enforceSSL makes a topic policy, which replaces SNS's default one: CloudWatch may publish
    // only through a statement of its own.
    allowAlarmsToPublish(this.topic);
    // Subscriptions can be added until synth, so whether anyone is told is decided then.
    Aspects.of(this).add({ visit: node => node === this && this.warnIfNobodyIsTold() });
    // What the topic's key encrypts (undeliverable notifications) concerns the stack's tables: it
    // goes with the stack when they all do (ProductionTable's removalPolicy DESTROY).
    destroyWithTables(this, () => tablesOfStack(this), () => {
      destroyKey(key);
      this.deadLetterQueue?.applyRemovalPolicy(RemovalPolicy.DESTROY);
    });
  }

  /**
   * A topic with no subscriber tells nobody: recorded at synth as the finding
   * `DynamoDbChecks::AlarmTopicSubscribed`, which a team that subscribes elsewhere (another stack,
   * a chat bot, an organization-wide setup) acknowledges once on the stack.
   */
  private warnIfNobodyIsTold(): void {
    const topicArn = Stack.of(this).resolve(this.topic.topicArn);
    const subscribed = this.node.root.node.findAll().some(node =>
      node instanceof sns.CfnSubscription && JSON.stringify(Stack.of(node).resolve(node.topicArn)) === JSON.stringify(topicArn));
    if (!subscribed) {
      warnGuidance(this, Guidance.ALARM_TOPIC_NOT_SUBSCRIBED,
        `Nobody is subscribed to the alarm topic ${this.node.path}: every alarm of the stack notifies it, and nobody is told. ` +
        'Subscribe a person or a pager (AlarmTopic.of(stack).addEmailSubscription(...) or addHttpsSubscription(...)), or acknowledge ' +
        'this finding where the topic is subscribed outside this app.');
    }
  }

  /**
   * Send alarm notifications to an email address. AWS sends a confirmation message first; nothing
   * arrives until the recipient confirms.
   */
  public addEmailSubscription(address: string): void {
    validateEmail('addEmailSubscription address', address, this);
    this.topic.addSubscription(new subscriptions.EmailSubscription(address, { deadLetterQueue: this.undeliverable() }));
  }

  /**
   * Send alarm notifications to an HTTPS endpoint (a pager or chat webhook). The endpoint must
   * confirm the subscription. Only `https://` URLs are accepted: an `http://` one would deliver
   * alarms in plain text.
   */
  public addHttpsSubscription(url: string): void {
    validateHttpsUrl('addHttpsSubscription url', url, this);
    this.topic.addSubscription(new subscriptions.UrlSubscription(url, {
      protocol: sns.SubscriptionProtocol.HTTPS,
      deadLetterQueue: this.undeliverable(),
    }));
  }

  /** One dead-letter queue for every subscription: notifications SNS could not deliver. */
  private undeliverable(): sqs.Queue {
    if (!this.deadLetterQueue) {
      this.deadLetterQueue = new sqs.Queue(this, 'Undeliverable', {
        encryption: sqs.QueueEncryption.KMS,
        encryptionMasterKey: this.key,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
        removalPolicy: RemovalPolicy.RETAIN,
      });
      Validations.of(this.deadLetterQueue).acknowledge(
        {
          id: 'AwsSolutions::AwsSolutions-SQS3',
          reason: 'This queue is the dead-letter queue of the alarm topic subscriptions; cdk-nag recognises only SQS redrive, not an SNS subscription redrive.',
        },
        {
          id: 'Serverless::Serverless-SQSRedrivePolicy',
          reason: 'This queue is the last stop for undeliverable alarm notifications; a dead-letter queue of its own would only move the problem.',
        },
        {
          id: 'cdk-validator-cfnguard::sqs_dlq_check',
          reason: 'CT.SQS.PR.1: this queue is itself the dead-letter queue of the alarm topic subscriptions, and keeps messages 14 days.',
        },
      );
    }
    return this.deadLetterQueue;
  }
}
