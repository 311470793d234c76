/**
 * A DAX cluster as it stands in a synthesized template, whoever wrote it (TableCache, an L1, an
 * escape hatch): the checks judge what CloudFormation will deploy.
 */

import { Template, TemplateResource } from './table-model';
import { EXPLICIT_CHOICES_METADATA } from '../private/warnings';

export const DAX_CLUSTER_TYPE = 'AWS::DAX::Cluster';

export class ClusterModel {
  /** Every DAX cluster in a template. */
  public static allIn(template: Template): ClusterModel[] {
    return Object.entries(template.Resources ?? {})
      .filter(([, resource]) => resource.Type === DAX_CLUSTER_TYPE)
      .map(([logicalId, resource]) => new ClusterModel(logicalId, resource));
  }

  public readonly properties: Record<string, any>;
  /**
   * The rules the cluster departs from by its user's explicit choice, which a TableCache records as
   * a warning with the rule's id (template metadata `cdk-dynamodb-kit:explicitChoices`).
   */
  public readonly explicitChoices: string[];

  private constructor(public readonly logicalId: string, resource: TemplateResource) {
    this.properties = resource.Properties ?? {};
    const choices = resource.Metadata?.[EXPLICIT_CHOICES_METADATA];
    this.explicitChoices = Array.isArray(choices) ? choices.filter((c): c is string => typeof c === 'string') : [];
  }
}
