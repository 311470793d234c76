import { Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/** "AlarmDescription ... Maximum: 1024" (AWS::CloudWatch::Alarm, CloudFormation template reference). */
export const MAX_ALARM_DESCRIPTION = 1024;

/** The longest region name a token may stand for, with room to spare ("ap-southeast-5" is 14). */
const LONGEST_REGION = 25;

/**
 * The name of the stack's `n`th dashboard: the stack name and the region, so that two stacks, or
 * one stack deployed in two regions, never share a name (dashboard names are unique per account
 * across regions: "PutDashboard", CloudWatch API reference). Both are allowed characters
 * (A-Z a-z 0-9 - _): stack names are letters, digits and hyphens, region names too. The region is
 * `AWS::Region` in an environment-agnostic stack.
 *
 * Not the dashboard's `Ref`: the alarms link to the dashboard and the dashboard lists the alarms,
 * which would be a circular dependency.
 */
export function dashboardName(stack: Stack, n: number): string {
  return `${stack.stackName}-DynamoDB-${stack.region}${n > 1 ? `-${n}` : ''}`;
}

/** How long the name is at most once deployed, for limits checked at synth. */
export function dashboardNameLength(stack: Stack, n: number): number {
  const region = Token.isUnresolved(stack.region) ? LONGEST_REGION : stack.region.length;
  return stack.stackName.length + '-DynamoDB-'.length + region + (n > 1 ? `-${n}`.length : 0);
}

/** The console address of a dashboard; CloudWatch dashboards are global, the region picks the console's home. */
export function dashboardUrl(stack: Stack, name: string): string {
  return `https://console.aws.amazon.com/cloudwatch/home?region=${stack.region}#dashboards:name=${name}`;
}

function urlLength(stack: Stack, n: number): number {
  const region = Token.isUnresolved(stack.region) ? LONGEST_REGION : stack.region.length;
  return 'https://console.aws.amazon.com/cloudwatch/home?region='.length + region + '#dashboards:name='.length + dashboardNameLength(stack, n);
}

const PREFIX = '\nDashboard: ';

/**
 * Adds the dashboard's address to the alarm's description, shortening the description when
 * both would pass CloudFormation's 1024 characters. Idempotent: a second call replaces the link.
 */
export function linkAlarmToDashboard(alarm: cloudwatch.Alarm, n: number): void {
  const stack = Stack.of(alarm);
  const cfn = alarm.node.defaultChild as cloudwatch.CfnAlarm;
  const current = cfn.alarmDescription ?? '';
  const description = current.includes(PREFIX) ? current.slice(0, current.indexOf(PREFIX)) : current;
  const room = MAX_ALARM_DESCRIPTION - PREFIX.length - urlLength(stack, n);
  const kept = description.length <= room ? description : `${description.slice(0, room - 1)}…`;
  cfn.alarmDescription = `${kept}${PREFIX}${dashboardUrl(stack, dashboardName(stack, n))}`;
}
