import { Fn, Token } from 'cdktf';
import { Construct } from 'constructs';
import { GlobalacceleratorAccelerator } from '@cdktf/provider-aws/lib/globalaccelerator-accelerator';
import { GlobalacceleratorEndpointGroup } from '@cdktf/provider-aws/lib/globalaccelerator-endpoint-group';
import { GlobalacceleratorListener } from '@cdktf/provider-aws/lib/globalaccelerator-listener';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { Route53Zone } from '@cdktf/provider-aws/lib/route53-zone';
import { ValidationError } from './validation-error';

/** One region's Application Load Balancer behind the accelerator. */
export interface GlobalAcceleratorEndpoint {
  /** The region of the load balancer, e.g. `us-east-1`; names the endpoint groups' construct scope. */
  readonly region: string;
  /** ARN of the region's internet-facing Application Load Balancer. */
  readonly loadBalancerArn: string;
  /**
   * The load balancer's weight in its endpoint group, 0 to 255 (0 stops traffic to it, failover included).
   * @default 100
   */
  readonly weight?: number;
  /**
   * Percentage of the traffic that Global Accelerator routes to this region that the region keeps, 0 to 100.
   * 0 makes the region a standby: it takes no traffic of its own, but still receives failover traffic.
   * @default 100
   */
  readonly trafficDialPercentage?: number;
}

/** A Route 53 name for the accelerator: `<recordName>.<zoneName>`. */
export interface GlobalAcceleratorDnsProps {
  /** The zone's lower-case domain, e.g. `example.com`, without a trailing dot. */
  readonly zoneName: string;
  /** One lower-case DNS label: `app` serves `app.<zoneName>`. */
  readonly recordName: string;
  /**
   * Further names in the zone that the accelerator serves (the services' hosts), each with its own
   * alias records; `<recordName>.<zoneName>` among them is ignored.
   * @default - none
   */
  readonly hostNames?: string[];
  /**
   * ID of the existing public hosted zone of `zoneName`, e.g. `Z0123456789ABC`; exactly one of this and `createZone`.
   * @default - none: `createZone` must be true
   */
  readonly hostedZoneId?: string;
  /**
   * Create a new public hosted zone for `zoneName` (delegate it from the parent domain with the zone's
   * name servers); exactly one of this and `hostedZoneId`.
   * @default false
   */
  readonly createZone?: boolean;
}

export type AcceleratorIpAddressType = 'IPV4' | 'DUAL_STACK';
export type AcceleratorClientAffinity = 'NONE' | 'SOURCE_IP';

export interface GlobalAcceleratorProps {
  /**
   * The provider of us-west-2: Global Accelerator is a global service whose API lives only there. Route 53
   * is global too, and its zone and records use the same provider.
   */
  readonly provider: AwsProvider;
  /** Name of the accelerator, e.g. `fargate-dev`: 1 to 64 letters, digits and hyphens, no hyphen at either end. */
  readonly name: string;
  /** Each region's load balancer, at least one, each region once; regions get endpoint groups in this order. */
  readonly endpoints: GlobalAcceleratorEndpoint[];
  /**
   * `IPV4`: two static IPv4 addresses. `DUAL_STACK`: two IPv4 and two IPv6 addresses, plus an AAAA record.
   * A dual-stack accelerator accepts only dual-stack endpoints, so with `DUAL_STACK` every load balancer must
   * have the `dualstack` IP address type (in subnets with IPv6 CIDRs); IPv4-only load balancers are refused
   * by AWS when the endpoint groups are created.
   * @default 'IPV4'
   */
  readonly ipAddressType?: AcceleratorIpAddressType;
  /**
   * Adds a TCP listener on 443, with the same endpoint groups, next to the one on 80. TLS is not terminated
   * by the accelerator: the load balancers must listen on 443 with a certificate for the served name.
   * @default false - a TCP listener on 80 only
   */
  readonly tlsEnabled?: boolean;
  /**
   * `SOURCE_IP` sends every connection from one client IP to the same endpoint; `NONE` spreads a client's
   * connections (by the 5-tuple).
   * @default 'NONE'
   */
  readonly clientAffinity?: AcceleratorClientAffinity;
  /**
   * Existing S3 bucket (created elsewhere) that receives the flow logs under `globalaccelerator/`. Its policy
   * must let `delivery.logs.amazonaws.com` write (AWS adds that itself when the deployer may edit the
   * policy), and an SSE-KMS key must let that principal call `kms:GenerateDataKey*`.
   * @default - flow logs off
   */
  readonly flowLogsBucketName?: string;
  /**
   * A Route 53 alias `<recordName>.<zoneName>` to the accelerator (A, plus AAAA when dual-stack).
   * @default - no DNS resources: clients use the accelerator's own DNS name or its static IPs
   */
  readonly dns?: GlobalAcceleratorDnsProps;
}

/** The prefix of the flow log objects in the bucket. */
export const FLOW_LOGS_PREFIX = 'globalaccelerator/';
/** Listener ports: 80 always, 443 with `tlsEnabled`. */
const HTTP_PORT = 80;
const HTTPS_PORT = 443;
/**
 * Endpoint-group health check cadence. AWS applies these to EC2 instance and Elastic IP endpoints only:
 * for load balancer endpoints Global Accelerator follows the load balancer's target health, so failover
 * speed is set by the target group's health check (see `expectedFailoverSeconds`). They are written out
 * (the fastest interval AWS allows, its default threshold) so the plan states them instead of a silent
 * 30-second default.
 */
const ENDPOINT_GROUP_HEALTH_CHECK_INTERVAL_SECONDS = 10;
const ENDPOINT_GROUP_THRESHOLD_COUNT = 3;

/**
 * A standard Global Accelerator in front of one Application Load Balancer per region: two static anycast
 * IPs (four when dual-stack), TCP listeners on 80 (and 443), and in every listener one endpoint group per
 * region with that region's load balancer, its weight and traffic dial, and client IP preservation on.
 * Optionally a Route 53 alias to the accelerator, in an existing or a new hosted zone.
 *
 * Each region's endpoint groups live in a scope named after the region (`us-east-1/HttpEndpointGroup`), so
 * adding or removing a region never changes another region's resource addresses.
 */
export class GlobalAccelerator extends Construct {
  public readonly accelerator: GlobalacceleratorAccelerator;
  /** The TCP listeners, by port: 80, and 443 with `tlsEnabled`. */
  public readonly listeners: Readonly<Record<number, GlobalacceleratorListener>>;
  /** The endpoint groups, by region, then by listener port: `endpointGroups['us-east-1'][80]`. */
  public readonly endpointGroups: Readonly<
    Record<string, Readonly<Record<number, GlobalacceleratorEndpointGroup>>>
  >;
  /** The accelerator's DNS name; the dual-stack name (A and AAAA) when dual-stack. */
  public readonly dnsName: string;
  /** The accelerator's static IP addresses: two IPv4, plus two IPv6 when dual-stack. */
  public readonly staticIps: string[];
  /** The application's URL: `http(s)://<recordName>.<zoneName>` with DNS, else `http://<dnsName>`. */
  public readonly appUrl: string;
  /** The hosted zone, with `dns.createZone` only. */
  public readonly zone?: Route53Zone;
  /** The alias records: A, plus AAAA when dual-stack; empty without DNS. */
  public readonly records: Route53Record[];

  constructor(scope: Construct, id: string, props: GlobalAcceleratorProps) {
    super(scope, id);
    validate(props);
    const { provider, dns } = props;
    const ipAddressType = props.ipAddressType ?? 'IPV4';
    const dualStack = ipAddressType === 'DUAL_STACK';

    this.accelerator = new GlobalacceleratorAccelerator(this, 'Accelerator', {
      provider,
      name: props.name,
      enabled: true,
      ipAddressType,
      // Flow logs off is written out too: removing the block would leave them on (the provider ignores a
      // missing attributes block).
      attributes: props.flowLogsBucketName
        ? {
            flowLogsEnabled: true,
            flowLogsS3Bucket: props.flowLogsBucketName,
            flowLogsS3Prefix: FLOW_LOGS_PREFIX,
          }
        : { flowLogsEnabled: false },
    });

    const ports = props.tlsEnabled ? [HTTP_PORT, HTTPS_PORT] : [HTTP_PORT];
    const listeners: Record<number, GlobalacceleratorListener> = {};
    for (const port of ports) {
      listeners[port] = new GlobalacceleratorListener(this, `${scheme(port)}Listener`, {
        provider,
        acceleratorArn: this.accelerator.arn,
        protocol: 'TCP',
        clientAffinity: props.clientAffinity ?? 'NONE',
        portRange: [{ fromPort: port, toPort: port }],
      });
    }
    this.listeners = listeners;

    const endpointGroups: Record<string, Record<number, GlobalacceleratorEndpointGroup>> = {};
    for (const endpoint of props.endpoints) {
      const regionScope = new Construct(this, endpoint.region);
      endpointGroups[endpoint.region] = {};
      for (const port of ports) {
        endpointGroups[endpoint.region][port] = new GlobalacceleratorEndpointGroup(
          regionScope,
          `${scheme(port)}EndpointGroup`,
          {
            provider,
            listenerArn: listeners[port].arn,
            // Without it the provider uses its own region, us-west-2.
            endpointGroupRegion: endpoint.region,
            trafficDialPercentage: endpoint.trafficDialPercentage ?? 100,
            healthCheckProtocol: 'TCP',
            healthCheckPort: port,
            healthCheckIntervalSeconds: ENDPOINT_GROUP_HEALTH_CHECK_INTERVAL_SECONDS,
            thresholdCount: ENDPOINT_GROUP_THRESHOLD_COUNT,
            endpointConfiguration: [
              {
                endpointId: endpoint.loadBalancerArn,
                weight: endpoint.weight ?? 100,
                // The load balancer sees the client's address; also required by dual-stack accelerators.
                clientIpPreservationEnabled: true,
              },
            ],
          },
        );
      }
    }
    this.endpointGroups = endpointGroups;

    this.dnsName = dualStack ? this.accelerator.dualStackDnsName : this.accelerator.dnsName;
    this.staticIps = Token.asList(
      Fn.flatten(this.accelerator.interpolationForAttribute('ip_sets[*].ip_addresses')),
    );

    this.records = [];
    if (!dns) {
      this.appUrl = `http://${this.dnsName}`;
      return;
    }
    if (dns.createZone) {
      this.zone = new Route53Zone(this, 'Zone', {
        provider,
        name: dns.zoneName,
        comment: `Public zone of ${props.name}, served by Global Accelerator`,
      });
    }
    const zoneId = this.zone ? this.zone.zoneId : (dns.hostedZoneId as string);
    const fqdn = `${dns.recordName}.${dns.zoneName}`;
    const aliases: Array<[string, string, string]> = [['ARecord', 'A', this.accelerator.dnsName]];
    if (dualStack) aliases.push(['AaaaRecord', 'AAAA', this.accelerator.dualStackDnsName]);
    for (const [recordId, type, target] of aliases) {
      this.records.push(
        new Route53Record(this, recordId, {
          provider,
          zoneId,
          name: fqdn,
          type,
          alias: {
            name: target,
            // The attribute, not a copy of Global Accelerator's well-known zone ID (Z2BJ6XQ5FK7U4H).
            zoneId: this.accelerator.hostedZoneId,
            evaluateTargetHealth: true,
          },
        }),
      );
    }
    for (const host of [...new Set(dns.hostNames ?? [])].filter((name) => name !== fqdn)) {
      const scope = new Construct(this, host);
      for (const [recordId, type, target] of aliases) {
        this.records.push(
          new Route53Record(scope, recordId, {
            provider,
            zoneId,
            name: host,
            type,
            alias: { name: target, zoneId: this.accelerator.hostedZoneId, evaluateTargetHealth: true },
          }),
        );
      }
    }
    this.appUrl = `${props.tlsEnabled ? 'https' : 'http'}://${fqdn}`;
  }
}

/** `Http` or `Https`: the first word of the listener's and its endpoint groups' construct IDs. */
function scheme(port: number): string {
  return port === HTTPS_PORT ? 'Https' : 'Http';
}

/**
 * Seconds Global Accelerator takes to act on a change of an endpoint's health, as AWS documents it: it
 * "reacts instantly" and configuration changes propagate "in seconds"; the one figure AWS gives for a
 * health-driven routing change is that traffic returns to recovered endpoints "in about 30 seconds"
 * (Global Accelerator Developer Guide, "How failover works for unhealthy endpoints"). The estimate uses
 * that figure for the failover direction too.
 */
export const GLOBAL_ACCELERATOR_REACTION_SECONDS = 30;

/** The target group health check that decides when a region's load balancer is unhealthy. */
export interface FailoverEstimateInput {
  /** Seconds between the target group's health checks (`health_check.interval`). */
  readonly healthCheckIntervalSeconds: number;
  /** Consecutive failed checks before a target is unhealthy (`health_check.unhealthy_threshold`). */
  readonly unhealthyThresholdCount: number;
  /** Seconds a health check waits for an answer (`health_check.timeout`). */
  readonly healthCheckTimeoutSeconds: number;
}

/**
 * Worst-case seconds from a region's application failing to new connections going to another region:
 *
 *   interval × unhealthyThreshold + timeout + GLOBAL_ACCELERATOR_REACTION_SECONDS
 *
 * For a load balancer endpoint, Global Accelerator takes the endpoint's health from Elastic Load
 * Balancing: the load balancer is unhealthy once a target group has no healthy target, and the
 * endpoint group's own health check settings do not apply (Developer Guide, "Health check options").
 * The target group marks a target unhealthy after `unhealthyThreshold` consecutive failures; in the
 * worst case the application fails just after a passing check and the last failing check hangs for the
 * full timeout, hence `interval × threshold + timeout`. Global Accelerator then moves new connections
 * to the nearest healthy region (ignoring that region's traffic dial, so a standby at 0 % takes over);
 * the static IPs do not change, so no DNS TTL is added. Established connections stay on the failed
 * region until they close.
 *
 * With the load balancer's defaults (10 s, 2 failures, 5 s timeout): 10 × 2 + 5 + 30 = 55 s.
 */
export function expectedFailoverSeconds(input: FailoverEstimateInput): number {
  for (const [prop, value] of Object.entries(input)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new ValidationError('expectedFailoverSeconds', prop, value, 'use a positive number');
    }
  }
  const detection = input.healthCheckIntervalSeconds * input.unhealthyThresholdCount;
  return detection + input.healthCheckTimeoutSeconds + GLOBAL_ACCELERATOR_REACTION_SECONDS;
}

/** The settings that decide how fast traffic leaves and returns to a region. */
export interface TrafficTimingInput extends FailoverEstimateInput {
  /** Consecutive passing checks before a target is healthy again (`health_check.healthy_threshold`). */
  readonly healthyThresholdCount: number;
  /** Seconds the load balancer lets a deregistering target finish its requests (`deregistration_delay`). */
  readonly deregistrationDelaySeconds: number;
}

/** Worst-case seconds for the three ways traffic moves between regions; see `expectedTrafficTimings`. */
export interface TrafficTimings {
  /** A region fails: until new connections go to another region. */
  readonly failoverSeconds: number;
  /** A region's traffic dial is set to 0: until it serves no request. */
  readonly drainSeconds: number;
  /** A region is healthy again, or its dial goes back up: until it takes its share again. */
  readonly returnSeconds: number;
}

/**
 * The one place that turns the settings into the times an on-call engineer plans with (the stack's
 * outputs and the README's runbooks use it):
 *
 * - failover = `expectedFailoverSeconds` (interval × unhealthyThreshold + timeout + 30 s).
 * - drain = 30 s + deregistration delay. A dial change is configuration, which Global Accelerator
 *   applies like a health change (the 30 s); from then on the region gets no new connection, and the
 *   requests already in flight finish within the time the service gives any request to finish, the
 *   target group's deregistration delay. Connections that stay open are not cut: clients that keep
 *   them alive (HTTP keep-alive) move when they reconnect.
 * - return = interval × healthyThreshold + 30 s: a region whose tasks were stopped or cut off is
 *   routed to again once its targets have passed `healthyThreshold` checks and Global Accelerator has
 *   reacted ("about 30 seconds"); a region only drained by its dial returns within the 30 s alone, so
 *   the figure is the worst case of both.
 *
 * The endpoint groups' own health checks (`ENDPOINT_GROUP_HEALTH_CHECK_INTERVAL_SECONDS`) do not apply
 * to load balancer endpoints and so appear in none of the three.
 *
 * With the defaults (10 s interval, 2 unhealthy, 2 healthy, 5 s timeout, 30 s delay): failover 55 s,
 * drain 60 s, return 50 s.
 */
export function expectedTrafficTimings(input: TrafficTimingInput): TrafficTimings {
  const { healthyThresholdCount, deregistrationDelaySeconds } = input;
  if (!Number.isInteger(healthyThresholdCount) || healthyThresholdCount < 1) {
    throw new ValidationError(
      'expectedTrafficTimings',
      'healthyThresholdCount',
      healthyThresholdCount,
      'use a whole number from 1',
    );
  }
  if (!Number.isFinite(deregistrationDelaySeconds) || deregistrationDelaySeconds < 0) {
    throw new ValidationError(
      'expectedTrafficTimings',
      'deregistrationDelaySeconds',
      deregistrationDelaySeconds,
      'use a number of seconds from 0',
    );
  }
  return {
    failoverSeconds: expectedFailoverSeconds({
      healthCheckIntervalSeconds: input.healthCheckIntervalSeconds,
      unhealthyThresholdCount: input.unhealthyThresholdCount,
      healthCheckTimeoutSeconds: input.healthCheckTimeoutSeconds,
    }),
    drainSeconds: GLOBAL_ACCELERATOR_REACTION_SECONDS + deregistrationDelaySeconds,
    returnSeconds:
      input.healthCheckIntervalSeconds * healthyThresholdCount + GLOBAL_ACCELERATOR_REACTION_SECONDS,
  };
}

function fail(prop: string, value: unknown, allowed: string): never {
  throw new ValidationError('GlobalAccelerator', prop, value, allowed);
}

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const ZONE_NAME = new RegExp(`^(?=.{1,253}$)(?:${LABEL}\\.)+[a-z]{2,63}$`);
const ALB_ARN =
  /^arn:aws[a-z-]*:elasticloadbalancing:([a-z0-9-]+):\d{12}:loadbalancer\/app\/[^/]+\/[0-9a-f]+$/;
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;

function checkRange(
  prop: string,
  value: number | undefined,
  min: number,
  max: number,
  integer: boolean,
): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if ((integer && !Number.isInteger(value)) || !(value >= min && value <= max)) {
    fail(prop, value, `use ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`);
  }
}

function validate(props: GlobalAcceleratorProps): void {
  const { name, endpoints, dns } = props;
  if (!Token.isUnresolved(name) && !/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?$/.test(name)) {
    fail('name', name, 'use 1 to 64 letters, digits and hyphens, not beginning or ending with a hyphen');
  }
  if (endpoints.length === 0) {
    fail('endpoints', endpoints, "list at least one region's load balancer");
  }
  const seen = new Set<string>();
  endpoints.forEach((endpoint, index) => {
    const { region, loadBalancerArn } = endpoint;
    if (!REGION.test(region)) {
      fail(
        `endpoints[${index}].region`,
        region,
        'use a literal AWS region code such as us-east-1 (it names the endpoint groups)',
      );
    }
    if (seen.has(region)) {
      fail(
        `endpoints[${index}].region`,
        region,
        'list each region once (a listener has one endpoint group per region)',
      );
    }
    seen.add(region);
    if (!Token.isUnresolved(loadBalancerArn)) {
      const match = ALB_ARN.exec(loadBalancerArn);
      if (!match) {
        fail(
          `endpoints[${region}].loadBalancerArn`,
          loadBalancerArn,
          'use the ARN of an Application Load Balancer',
        );
      }
      if (match[1] !== region) {
        fail(
          `endpoints[${region}].loadBalancerArn`,
          loadBalancerArn,
          `the load balancer is in ${match[1]}; an endpoint group in ${region} needs one in ${region}`,
        );
      }
    }
    checkRange(`endpoints[${region}].weight`, endpoint.weight, 0, 255, true);
    checkRange(`endpoints[${region}].trafficDialPercentage`, endpoint.trafficDialPercentage, 0, 100, false);
  });
  const bucket = props.flowLogsBucketName;
  if (
    bucket !== undefined &&
    !Token.isUnresolved(bucket) &&
    !/^(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)
  ) {
    fail(
      'flowLogsBucketName',
      bucket,
      'use an S3 bucket name: 3 to 63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit',
    );
  }
  if (!dns) return;
  if (!Token.isUnresolved(dns.zoneName) && !ZONE_NAME.test(dns.zoneName)) {
    fail(
      'dns.zoneName',
      dns.zoneName,
      'use a lower-case DNS domain such as example.com, without a trailing dot',
    );
  }
  if (!Token.isUnresolved(dns.recordName) && !new RegExp(`^${LABEL}$`).test(dns.recordName)) {
    fail('dns.recordName', dns.recordName, 'use one lower-case DNS label such as app');
  }
  if (Boolean(dns.createZone) === (dns.hostedZoneId !== undefined)) {
    fail(
      'dns.hostedZoneId',
      dns.hostedZoneId,
      'give either hostedZoneId (an existing zone) or createZone: true (a new zone), exactly one',
    );
  }
  const zoneId = dns.hostedZoneId;
  if (zoneId !== undefined && !Token.isUnresolved(zoneId) && !/^Z[A-Z0-9]{1,31}$/.test(zoneId)) {
    fail('dns.hostedZoneId', zoneId, 'use a Route 53 hosted zone ID such as Z0123456789ABC');
  }
}
