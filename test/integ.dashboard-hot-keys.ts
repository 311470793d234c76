/**
 * Integration test, deployed by integ-runner into your account (see the README, "Contributing"):
 * a dashboard with `drawHotKeys()` deploys, and its hot-key graphs name the table's real
 * throttled-keys rules. This proves what no synth can: that the lookup runs on the Node.js
 * runtime and answers CloudFormation, that DynamoDB has made the rules by then, and that
 * CloudWatch takes the Contributor Insights graph's body (PutDashboard refuses an invalid one).
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App } from 'aws-cdk-lib';
import { runIfMain, tableIntegTest } from './integ-support';
import { StackDashboard } from '../src';
import { dashboardName } from '../src/private/dashboard-link';

export function build(app: App): IntegTest {
  const { integ, stack, table } = tableIntegTest(app, 'DynamoDbKitDashboardHotKeys', 'DashboardHotKeys', (scope) => {
    StackDashboard.of(scope).drawHotKeys();
  });
  const dashboard = integ.assertions.awsApiCall('CloudWatch', 'getDashboard', { DashboardName: dashboardName(stack, 1) });
  // A rule name the lookup found ends in DynamoDB's timestamp; one it made up says "none-" and why.
  dashboard.expect(ExpectedResult.objectLike({
    DashboardBody: Match.stringLikeRegexp('"ruleName":"DynamoDBContributorInsights-PKT-(?!none-)[^"]*-[0-9]+"'),
  }));
  const rules = integ.assertions.awsApiCall('DynamoDB', 'describeContributorInsights', { TableName: table.tableName });
  rules.expect(ExpectedResult.objectLike({
    ContributorInsightsStatus: 'ENABLED',
    ContributorInsightsRuleList: Match.arrayWith([Match.stringLikeRegexp('^DynamoDBContributorInsights-PKT-')]),
  }));
  rules.next(dashboard);
  return integ;
}

runIfMain(module, build);
