import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { CapacityPlan } from '../capacity-planner';
import { PRICES_READ_ON } from './prices';

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
