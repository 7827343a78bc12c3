import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { LbListenerRule } from '@cdktf/provider-aws/lib/lb-listener-rule';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { HEALTH_CHECK_TIMEOUT_SECONDS, HEALTHY_THRESHOLD_COUNT, LoadBalancer } from './load-balancer';
import { ValidationError } from './validation-error';

/** AWS's limit on target group names. */
const MAX_NAME_LENGTH = 32;

export interface ServiceRoutingProps {
  /** The provider of the load balancer's region. */
  readonly provider: AwsProvider;
  /** The region's shared load balancer; its serving listener gets this service's rule. */
  readonly loadBalancer: LoadBalancer;
  /** The target group's name, at most 32 characters, e.g. `orders-dev-api-8080`. */
  readonly targetGroupName: string;
  /** The VPC of the targets. */
  readonly vpcId: string;
  /** Security group of the service's tasks: the load balancer may send to it on `targetPort` only. */
  readonly targetSecurityGroupId: string;
  /** Port the containers listen on (1 to 65535); targets register by IP on this port. */
  readonly targetPort: number;
  /** Host names the rule matches (the Host header). @default - any host */
  readonly hosts?: string[];
  /** Path patterns the rule matches. @default - any path */
  readonly paths?: string[];
  /** The rule's priority on the listener, 1 to 50000, unique per listener; lower is evaluated first. */
  readonly priority: number;
  /**
   * Path of the HTTP health check, starting with `/`, at most 1024 characters.
   * @default '/'
   */
  readonly healthCheckPath?: string;
  /**
   * HTTP codes of a healthy target: a code, a range or a list, from 200 to 499.
   * @default '200-399'
   */
  readonly healthCheckMatcher?: string;
  /**
   * Seconds between health checks, 6 to 300 (longer than the 5-second timeout).
   * @default 10
   */
  readonly healthCheckIntervalSeconds?: number;
  /**
   * Consecutive failed health checks before a target is unhealthy, 2 to 10.
   * @default 2
   */
  readonly unhealthyThresholdCount?: number;
  /**
   * Seconds the load balancer keeps draining a deregistered target, 0 to 3600.
   * @default 30 - deployments stay quick; AWS's own default is 300
   */
  readonly deregistrationDelaySeconds?: number;
}

/**
 * One service's place on the shared load balancer: its own target group (type ip, fast health
 * checks, created before the one it replaces), a listener rule on the serving listener (HTTPS with a
 * certificate, else HTTP) that forwards the service's hosts and paths to it, and the load
 * balancer's egress to the service's tasks on their port only.
 */
export class ServiceRouting extends Construct {
  public readonly targetGroup: LbTargetGroup;
  public readonly rule: LbListenerRule;
  public readonly egress: VpcSecurityGroupEgressRule;

  constructor(scope: Construct, id: string, props: ServiceRoutingProps) {
    super(scope, id);
    validate(props);
    const { provider, loadBalancer } = props;

    this.egress = new VpcSecurityGroupEgressRule(this, 'TargetEgress', {
      provider,
      securityGroupId: loadBalancer.securityGroup.id,
      description: `Requests and health checks to ${props.targetGroupName}`,
      ipProtocol: 'tcp',
      fromPort: props.targetPort,
      toPort: props.targetPort,
      referencedSecurityGroupId: props.targetSecurityGroupId,
    });
    this.targetGroup = new LbTargetGroup(this, 'TargetGroup', {
      provider,
      name: props.targetGroupName,
      targetType: 'ip',
      protocol: 'HTTP',
      port: props.targetPort,
      vpcId: props.vpcId,
      deregistrationDelay: String(props.deregistrationDelaySeconds ?? 30),
      healthCheck: {
        enabled: true,
        protocol: 'HTTP',
        port: 'traffic-port',
        path: props.healthCheckPath ?? '/',
        matcher: props.healthCheckMatcher ?? '200-399',
        interval: props.healthCheckIntervalSeconds ?? 10,
        timeout: HEALTH_CHECK_TIMEOUT_SECONDS,
        healthyThreshold: HEALTHY_THRESHOLD_COUNT,
        unhealthyThreshold: props.unhealthyThresholdCount ?? 2,
      },
      lifecycle: { createBeforeDestroy: true },
    });
    const listener = loadBalancer.httpsListener ?? loadBalancer.httpListener;
    this.rule = new LbListenerRule(this, 'ListenerRule', {
      provider,
      listenerArn: listener.arn,
      priority: props.priority,
      action: [{ type: 'forward', targetGroupArn: this.targetGroup.arn }],
      condition: [
        ...(props.hosts?.length ? [{ hostHeader: { values: props.hosts } }] : []),
        ...(props.paths?.length ? [{ pathPattern: { values: props.paths } }] : []),
      ],
    });
  }

  /** The target group's ARN suffix (`targetgroup/<name>/<id>`), CloudWatch's `TargetGroup` dimension. */
  public get targetGroupArnSuffix(): string {
    return this.targetGroup.arnSuffix;
  }
}

function fail(prop: string, value: unknown, allowed: string): never {
  throw new ValidationError('ServiceRouting', prop, value, allowed);
}

function checkInteger(prop: string, value: number | undefined, min: number, max: number, unit = ''): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    fail(prop, value, `use an integer from ${min} to ${max}${unit}`);
  }
}

function validate(props: ServiceRoutingProps): void {
  checkInteger('targetPort', props.targetPort, 1, 65535);
  checkInteger('priority', props.priority, 1, 50000);
  const name = props.targetGroupName;
  if (
    !Token.isUnresolved(name) &&
    (name.length > MAX_NAME_LENGTH || !/^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/.test(name))
  ) {
    fail(
      'targetGroupName',
      name,
      `use at most ${MAX_NAME_LENGTH} letters, digits and hyphens, not beginning or ending with a hyphen`,
    );
  }
  if (!props.hosts?.length && !props.paths?.length) {
    fail('hosts/paths', [], 'give hosts, paths or both: a rule without a condition would take every request');
  }
  const path = props.healthCheckPath;
  if (path !== undefined && !Token.isUnresolved(path) && (!path.startsWith('/') || path.length > 1024)) {
    fail('healthCheckPath', path, 'use a path starting with "/", at most 1024 characters');
  }
  const interval = props.healthCheckIntervalSeconds;
  checkInteger('healthCheckIntervalSeconds', interval, 5, 300, ' seconds');
  if (interval !== undefined && !Token.isUnresolved(interval) && interval <= HEALTH_CHECK_TIMEOUT_SECONDS) {
    fail(
      'healthCheckIntervalSeconds',
      interval,
      `the interval must be longer than the ${HEALTH_CHECK_TIMEOUT_SECONDS}-second health check timeout`,
    );
  }
  checkInteger('unhealthyThresholdCount', props.unhealthyThresholdCount, 2, 10);
  const matcher = props.healthCheckMatcher;
  if (
    matcher !== undefined &&
    !Token.isUnresolved(matcher) &&
    !matcher.split(',').every((part) => {
      const [low, high = low, more] = part.split('-');
      return (
        more === undefined &&
        [low, high].every((code) => /^[2-4]\d\d$/.test(code)) &&
        Number(low) <= Number(high)
      );
    })
  ) {
    fail(
      'healthCheckMatcher',
      matcher,
      'use HTTP codes from 200 to 499: a code, a range such as 200-399 or a list such as 200,204',
    );
  }
  checkInteger('deregistrationDelaySeconds', props.deregistrationDelaySeconds, 0, 3600, ' seconds');
}
