import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { ServiceScaling, ServiceScalingProps } from '../constructs/service-scaling';
import { SynthesizedJson, ref, resourceAt, resources, synthScopeJson } from '../test-support/synth';

/* eslint-disable @typescript-eslint/no-explicit-any -- scaling configurations are free-form JSON */

function synthScaling(overrides: Partial<ServiceScalingProps> = {}): SynthesizedJson {
  return synthScopeJson((scope) => {
    const provider = new AwsProvider(scope, 'aws', { region: 'eu-west-1', alias: 'eu_west_1' });
    const cluster = new EcsCluster(scope, 'Cluster', { provider, name: 'fargate-test-cluster' });
    const service = new EcsService(scope, 'EcsService', {
      provider,
      name: 'fargate-test-api',
      cluster: cluster.arn,
    });
    new ServiceScaling(scope, 'Scaling', {
      provider,
      namePrefix: 'fargate-test-api',
      cluster,
      service,
      minCapacity: 2,
      maxCapacity: 6,
      ...overrides,
    });
  });
}

const tracking = (json: SynthesizedJson) =>
  resources(json, 'aws_appautoscaling_policy').map((p) => {
    const config = p.target_tracking_scaling_policy_configuration as Record<string, any>;
    return [p.name, config.predefined_metric_specification.predefined_metric_type, config.target_value];
  });

describe('ServiceScaling', () => {
  it('scales the given ECS service of the given cluster between its minimum and maximum', () => {
    const json = synthScaling();
    expect(resourceAt(json, 'aws_appautoscaling_target', 'Scaling/ScalableTarget')).toMatchObject({
      service_namespace: 'ecs',
      scalable_dimension: 'ecs:service:DesiredCount',
      resource_id: `service/${ref(json, 'aws_ecs_cluster', 'Cluster', 'name')}/${ref(json, 'aws_ecs_service', 'EcsService', 'name')}`,
      min_capacity: 2,
      max_capacity: 6,
    });
  });

  it('tracks CPU at 70 % and memory at 75 % by default, with 60 s cooldowns', () => {
    const json = synthScaling();
    expect(tracking(json)).toEqual([
      ['fargate-test-api-cpu-scaling', 'ECSServiceAverageCPUUtilization', 70],
      ['fargate-test-api-memory-scaling', 'ECSServiceAverageMemoryUtilization', 75],
    ]);
    for (const policy of resources(json, 'aws_appautoscaling_policy')) {
      expect(policy.target_tracking_scaling_policy_configuration).toMatchObject({
        scale_in_cooldown: 60,
        scale_out_cooldown: 60,
      });
    }
  });

  it('adds a request-count policy on the given resource label only with requestCountPerTarget', () => {
    const json = synthScaling({
      requestCountPerTarget: 500,
      requestCountResourceLabel: 'app/lb/1/targetgroup/tg/2',
    });
    expect(tracking(json)).toContainEqual([
      'fargate-test-api-request-count-scaling',
      'ALBRequestCountPerTarget',
      500,
    ]);
    const policy = resourceAt(json, 'aws_appautoscaling_policy', 'Scaling/RequestCountScaling');
    expect(
      (policy.target_tracking_scaling_policy_configuration as Record<string, any>)
        .predefined_metric_specification.resource_label,
    ).toBe('app/lb/1/targetgroup/tg/2');
  });

  it('changes the range on schedules, one scheduled action each', () => {
    const json = synthScaling({
      scheduledScaling: [
        {
          name: 'night',
          schedule: 'cron(0 22 * * ? *)',
          timezone: 'Europe/Paris',
          minCapacity: 1,
          maxCapacity: 2,
        },
      ],
    });
    expect(resourceAt(json, 'aws_appautoscaling_scheduled_action', 'Scaling/Schedules/night')).toMatchObject({
      name: 'fargate-test-api-night',
      schedule: 'cron(0 22 * * ? *)',
      timezone: 'Europe/Paris',
      scalable_target_action: { min_capacity: '1', max_capacity: '2' },
    });
  });

  it('paused, holds the range at 0 to 0 and leaves the schedules out', () => {
    const json = synthScaling({
      paused: true,
      scheduledScaling: [
        { name: 'day', schedule: 'cron(0 6 * * ? *)', timezone: 'UTC', minCapacity: 4, maxCapacity: 6 },
      ],
    });
    expect(resourceAt(json, 'aws_appautoscaling_target', 'Scaling/ScalableTarget')).toMatchObject({
      min_capacity: 0,
      max_capacity: 0,
    });
    expect(resources(json, 'aws_appautoscaling_scheduled_action')).toEqual([]);
  });
});
