import { RuleCheck } from '../stack-view';

/** Container Insights values that collect the cluster's metrics (`enhanced` adds task and container level). */
const ON = ['enabled', 'enhanced'];

/**
 * The cluster turns Container Insights on in its own `setting`. The account default
 * (`aws_ecs_account_setting_default`) is not considered: Security Hub ECS.12 judges the cluster's
 * setting, and the default only applies to clusters created after it was set.
 */
export const ecsContainerInsights: RuleCheck = {
  appliesTo: ['aws_ecs_cluster'],
  check(cluster) {
    const settings = [cluster.config.setting ?? []].flat() as { name?: unknown; value?: unknown }[];
    const insights = settings.find((s) => s?.name === 'containerInsights');
    return ON.includes(insights?.value as string) ? 'compliant' : 'non-compliant';
  },
};
