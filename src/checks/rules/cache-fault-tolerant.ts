import { ClusterRule } from '../cluster-rule';
import { isToken } from '../table-model';
import { findings } from '../table-rule';

// Control Tower CT.DAX.PR.2: "ReplicationFactor ... greater than or equal to three (>= 3)" and
// "AvailabilityZones ... a list containing three unique Availability Zone entries"
// (node_modules/@cdklabs/cdk-validator-cfnguard/rules/control-tower/cfn-guard/dynamodb/ct-dax-pr-2.guard).
const FAULT_TOLERANT_NODES = 3;

/**
 * Every DAX cluster has at least three nodes in at least three distinct Availability Zones, so that
 * losing a node or a zone leaves the cache serving. The zones must be listed: without the list DAX
 * places the nodes itself, and the template does not say where (CT.DAX.PR.2 fails it too).
 * TableCache records a one- or two-node cluster as a warning with this rule's id.
 */
export const CacheFaultTolerant: ClusterRule = {
  name: 'CacheFaultTolerant',
  description: 'The DAX cluster does not have at least three nodes in at least three listed, distinct Availability Zones ' +
    '(ReplicationFactor >= 3 and AvailabilityZones), so losing a node or a zone can make the cache unavailable and lose what it holds.',
  fix: 'Use a TableCache with the default replicationFactor (3) in a VPC with subnets in three zones, or set replicationFactor >= 3 ' +
    'and availabilityZones to three distinct zones on the CfnCluster.',
  check: cluster => {
    const failing: string[] = [];
    const undecided: string[] = [];
    const factor = cluster.properties.ReplicationFactor;
    if (isToken(factor)) {
      undecided.push('Properties/ReplicationFactor');
    } else if (!(Number(factor) >= FAULT_TOLERANT_NODES)) {
      failing.push('Properties/ReplicationFactor');
    }
    const zones = cluster.properties.AvailabilityZones;
    if (zones === undefined) {
      failing.push('Properties/AvailabilityZones');
    } else if (!Array.isArray(zones) || zones.some(isToken)) {
      undecided.push('Properties/AvailabilityZones');
    } else if (new Set(zones).size < FAULT_TOLERANT_NODES) {
      failing.push('Properties/AvailabilityZones');
    }
    return findings(failing, undecided);
  },
};
