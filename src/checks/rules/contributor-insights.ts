import { isTrue } from '../table-model';
import { TableRule } from '../table-rule';

/** Every table, and every replica of a global table, has CloudWatch contributor insights on. */
export const ContributorInsightsEnabled: TableRule = {
  name: 'ContributorInsightsEnabled',
  description: 'The DynamoDB table (or a replica of the global table) does not have CloudWatch contributor insights enabled, so the keys behind a throttle cannot be named when it happens.',
  fix: 'Set contributorInsightsSpecification: { enabled: true, mode: ContributorInsightsMode.THROTTLED_KEYS } on the table.',
  check: table => table.replicaSettings()
    .filter(settings => !isTrue(settings.properties.ContributorInsightsSpecification?.Enabled))
    .map(settings => `${settings.location}/ContributorInsightsSpecification`),
};
