import { Annotations, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { IConstruct } from 'constructs';
import { PRICES_READ_ON } from './prices';
import { CapacityPlan, CapacityPlanner, Workload } from '../capacity-planner';

/**
 * Record on `table`, as an info annotation, the plan `CapacityPlanner` makes for `workload`. Unless
 * the workload says how many alarm metrics it pays for, those of `alarms` are counted.
 */
export function annotateCapacityPlan(table: IConstruct, workload: Workload, alarms: IConstruct): void {
  const plan = CapacityPlanner.forWorkload({ ...workload, alarmMetrics: workload.alarmMetrics ?? alarmMetrics(alarms) });
  Annotations.of(table).addInfo(describePlan(plan));
}

/** One line for people: the recommended mode, the units and the monthly estimates. */
export function describePlan(plan: CapacityPlan): string {
  const usd = (amount: number) => `$${amount.toFixed(2)}`;
  const mode = plan.recommendedBillingMode === dynamodb.BillingMode.PROVISIONED ? 'provisioned' : 'on-demand';
  return `CapacityPlanner recommends ${mode} billing: ${plan.readCapacityUnits} RCU and ${plan.writeCapacityUnits} WCU ` +
    `on average (autoscaling reads ${plan.readCapacity.minCapacity}-${plan.readCapacity.maxCapacity} and writes ` +
    `${plan.writeCapacity.minCapacity}-${plan.writeCapacity.maxCapacity} at ${plan.writeCapacity.targetUtilizationPercent}%). ` +
    `Throughput a month: on demand ${usd(plan.onDemandMonthlyCost)}, provisioned at most ${usd(plan.provisionedMonthlyCost)}; ` +
    `plus ${usd(plan.envelopeMonthlyCost)} for storage, PITR, backups, keys and alarms ` +
    `(us-east-1 list prices read ${PRICES_READ_ON} unless given).`;
}

/** The metrics the alarms under `scope` read: CloudWatch bills each, and each metric of a metric-math alarm. */
function alarmMetrics(scope: IConstruct): number {
  const stack = Stack.of(scope);
  return scope.node.findAll()
    .filter((child): child is cloudwatch.CfnAlarm => child instanceof cloudwatch.CfnAlarm)
    .reduce((sum, alarm) => {
      const metrics = stack.resolve(alarm.metrics);
      return sum + (Array.isArray(metrics) ? metrics.filter((query: any) => query.metricStat !== undefined).length : 1);
    }, 0);
}
