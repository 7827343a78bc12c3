import { AppautoscalingPolicy } from '@cdktf/provider-aws/lib/appautoscaling-policy';
import { AppautoscalingScheduledAction } from '@cdktf/provider-aws/lib/appautoscaling-scheduled-action';
import { AppautoscalingTarget } from '@cdktf/provider-aws/lib/appautoscaling-target';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Construct } from 'constructs';

/** A scheduled change of the autoscaling range. */
export interface FargateScalingSchedule {
  /** Unique name, part of the scheduled action's name. */
  readonly name: string;
  /** `cron(...)`, `rate(...)` or `at(...)`. */
  readonly schedule: string;
  /** IANA time zone of the schedule. */
  readonly timezone: string;
  readonly minCapacity: number;
  readonly maxCapacity: number;
}

export interface ServiceScalingProps {
  /** The provider of the service's region. */
  readonly provider: AwsProvider;
  /** Prefix of the policies' and scheduled actions' names, e.g. `fargate-dev-api`. */
  readonly namePrefix: string;
  /** The cluster the service runs in. */
  readonly cluster: EcsCluster;
  /** The ECS service whose desired count is scaled. */
  readonly service: EcsService;
  /** Autoscaling minimum. */
  readonly minCapacity: number;
  /** Autoscaling maximum. */
  readonly maxCapacity: number;
  /**
   * Hold the range at 0 to 0 and leave the schedules out (the service is paused).
   * @default false
   */
  readonly paused?: boolean;
  /**
   * Target average CPU utilization, percent.
   * @default 70
   */
  readonly cpuTargetPercent?: number;
  /**
   * Target average memory utilization, percent.
   * @default 75
   */
  readonly memoryTargetPercent?: number;
  /**
   * Seconds between scale-in activities.
   * @default 60
   */
  readonly scaleInCooldownSeconds?: number;
  /**
   * Seconds between scale-out activities.
   * @default 60
   */
  readonly scaleOutCooldownSeconds?: number;
  /**
   * Target requests per task and minute for a target-tracking policy on ALBRequestCountPerTarget.
   * @default - no request-count policy
   */
  readonly requestCountPerTarget?: number;
  /**
   * The metric's resource label, `app/<lb-name>/<id>/targetgroup/<tg-name>/<id>`; required with requestCountPerTarget.
   * @default - none
   */
  readonly requestCountResourceLabel?: string;
  /**
   * Scheduled changes of the autoscaling range.
   * @default - none
   */
  readonly scheduledScaling?: readonly FargateScalingSchedule[];
}

/**
 * The service's task count (as aws-cdk's ScalableTaskCount): the scalable target, target tracking
 * on CPU, memory and optionally requests per target, and scheduled changes of the range.
 */
export class ServiceScaling extends Construct {
  public readonly scalableTarget: AppautoscalingTarget;
  public readonly cpuScalingPolicy: AppautoscalingPolicy;
  public readonly memoryScalingPolicy: AppautoscalingPolicy;
  /** The ALBRequestCountPerTarget policy, with requestCountPerTarget only. */
  public readonly requestCountScalingPolicy?: AppautoscalingPolicy;
  /** The scheduled actions, one per schedule. */
  public readonly scheduledActions: AppautoscalingScheduledAction[];

  constructor(scope: Construct, id: string, props: ServiceScalingProps) {
    super(scope, id);
    const { provider, namePrefix } = props;
    // No role_arn: Application Auto Scaling uses its ECS service-linked role.
    const scalableTarget = new AppautoscalingTarget(this, 'ScalableTarget', {
      provider,
      serviceNamespace: 'ecs',
      scalableDimension: 'ecs:service:DesiredCount',
      resourceId: `service/${props.cluster.name}/${props.service.name}`,
      minCapacity: props.paused ? 0 : props.minCapacity,
      maxCapacity: props.paused ? 0 : props.maxCapacity,
    });
    this.scalableTarget = scalableTarget;
    const trackingPolicy = (
      policyId: string,
      name: string,
      metric: string,
      target: number,
      resourceLabel?: string,
    ) =>
      new AppautoscalingPolicy(this, policyId, {
        provider,
        name: `${namePrefix}-${name}`,
        policyType: 'TargetTrackingScaling',
        serviceNamespace: scalableTarget.serviceNamespace,
        scalableDimension: scalableTarget.scalableDimension,
        resourceId: scalableTarget.resourceId,
        targetTrackingScalingPolicyConfiguration: {
          predefinedMetricSpecification: { predefinedMetricType: metric, resourceLabel },
          targetValue: target,
          scaleInCooldown: props.scaleInCooldownSeconds ?? 60,
          scaleOutCooldown: props.scaleOutCooldownSeconds ?? 60,
        },
      });
    this.cpuScalingPolicy = trackingPolicy(
      'CpuScaling',
      'cpu-scaling',
      'ECSServiceAverageCPUUtilization',
      props.cpuTargetPercent ?? 70,
    );
    this.memoryScalingPolicy = trackingPolicy(
      'MemoryScaling',
      'memory-scaling',
      'ECSServiceAverageMemoryUtilization',
      props.memoryTargetPercent ?? 75,
    );
    if (props.requestCountPerTarget !== undefined) {
      this.requestCountScalingPolicy = trackingPolicy(
        'RequestCountScaling',
        'request-count-scaling',
        'ALBRequestCountPerTarget',
        props.requestCountPerTarget,
        props.requestCountResourceLabel,
      );
    }
    const schedules = new Construct(this, 'Schedules');
    // Paused, nothing may raise the range above 0 to 0: the schedules wait until it is turned off.
    this.scheduledActions = (props.paused ? [] : (props.scheduledScaling ?? [])).map(
      (schedule) =>
        new AppautoscalingScheduledAction(schedules, schedule.name, {
          provider,
          name: `${namePrefix}-${schedule.name}`,
          serviceNamespace: scalableTarget.serviceNamespace,
          scalableDimension: scalableTarget.scalableDimension,
          resourceId: scalableTarget.resourceId,
          schedule: schedule.schedule,
          timezone: schedule.timezone,
          scalableTargetAction: {
            minCapacity: String(schedule.minCapacity),
            maxCapacity: String(schedule.maxCapacity),
          },
        }),
    );
  }
}
