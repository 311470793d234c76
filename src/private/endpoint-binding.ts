import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';

/** The DynamoDB service an endpoint reaches: tables (gateway) or streams (interface). */
export enum EndpointService {
  TABLES = 'tables',
  STREAMS = 'streams',
}

/** What an endpoint policy does for one endpoint: its statements, and how a table joins them. */
export interface EndpointPolicyBinding {
  readonly statements: iam.PolicyStatement[];
  addTable(table: dynamodb.ITable): void;
}
