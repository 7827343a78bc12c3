import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { AcmCertificate } from '@cdktf/provider-aws/lib/acm-certificate';
import { AcmCertificateValidation } from '@cdktf/provider-aws/lib/acm-certificate-validation';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Wafv2WebAclAssociation } from '@cdktf/provider-aws/lib/wafv2-web-acl-association';
import { ACCESS_LOG_PREFIX, AccessLogBucket, CONNECTION_LOG_PREFIX } from './access-log-bucket';
import { ValidationError } from './validation-error';

/** A public certificate for the load balancer, validated by DNS in a Route 53 zone. */
export interface LoadBalancerCertificateProps {
  /** The (lower-case) domain the certificate covers, e.g. `app.example.com` or `*.example.com`. */
  readonly domainName: string;
  /**
   * Further names the certificate covers, validated with the same record as `domainName` (its
   * wildcard, `*.<domainName>`, is the one such name).
   * @default - none
   */
  readonly subjectAlternativeNames?: string[];
  /** ID of the public Route 53 hosted zone that receives the DNS validation record, e.g. `Z0123456789ABC`. */
  readonly hostedZoneId: string;
  /**
   * FQDN of a validation record another load balancer's certificate for the same domain already
   * manages. ACM asks for the same CNAME for a domain in every region of an account, so one region
   * owns the record and the others validate against it; two owners would delete it from under each
   * other when one region is removed.
   * @default - this load balancer creates and owns the validation record
   */
  readonly validationRecordFqdn?: string;
}

export interface LoadBalancerProps {
  /** The provider of the region the load balancer lives in. */
  readonly provider: AwsProvider;
  /** Prefix of every named resource, e.g. `fargate-dev`; gives `<prefix>-alb`. */
  readonly namePrefix: string;
  /** ID of the VPC of the subnets and of the targets. */
  readonly vpcId: string;
  /** The public subnets the load balancer's nodes live in, at least 2 (one per AZ). */
  readonly subnetIds: string[];
  /**
   * Whether the load balancer is protected from deletion (by Terraform or anyone else).
   * @default false - the production stack turns it on
   */
  readonly deletionProtection?: boolean;
  /**
   * A domain served over HTTPS: an ACM certificate validated by DNS, an HTTPS listener on 443 and
   * HTTP on 80 redirected to it.
   * @default - no domain: plain HTTP on 80 with the listener rules of the services, nothing on 443
   */
  readonly certificate?: LoadBalancerCertificateProps;
  /**
   * Serve IPv6 clients too (`ip_address_type = dualstack`, ingress from `::/0`); the subnets must
   * have IPv6 CIDR blocks. A dual-stack Global Accelerator accepts only dual-stack endpoints.
   * @default false - IPv4 only
   */
  readonly dualStack?: boolean;
  /**
   * The bucket (in the load balancer's region) that receives the access and connection logs, under
   * `alb-access/` and `alb-connection/`; the load balancer waits for its policy.
   * @default - no logs
   */
  readonly logBucket?: AccessLogBucket;
  /**
   * Deliver access logs (one line per request) to `logBucket`.
   * @default - true with a logBucket
   */
  readonly accessLogs?: boolean;
  /**
   * Deliver connection logs (client IP and port, TLS protocol, cipher, handshake latency) to `logBucket`.
   * @default - true with a logBucket
   */
  readonly connectionLogs?: boolean;
  /**
   * ARN of the regional AWS WAF web ACL associated with the load balancer.
   * @default - no web ACL
   */
  readonly webAclArn?: string;
}

/** Health check timeout, in seconds; the interval must be longer. */
export const HEALTH_CHECK_TIMEOUT_SECONDS = 5;
/** Consecutive passing health checks before a (new or recovered) target takes traffic. */
export const HEALTHY_THRESHOLD_COUNT = 2;
/** AWS's limit on load balancer and target group names. */
const MAX_NAME_LENGTH = 32;
/** The TLS policy of the HTTPS listener: TLS 1.3 and 1.2 with forward-secret ciphers only. */
const TLS_POLICY = 'ELBSecurityPolicy-TLS13-1-2-2021-06';

/**
 * A region's internet-facing Application Load Balancer, shared by the services: a security group
 * open to the world on 80 (and 443 with a certificate) with no egress of its own (each service's
 * `ServiceRouting` adds egress to its tasks, on their port only), and HTTP, or HTTPS with HTTP
 * redirected, listeners whose default action answers 404: a request reaches a service only through
 * that service's listener rule.
 */
export class LoadBalancer extends Construct {
  public readonly securityGroup: SecurityGroup;
  public readonly loadBalancer: Lb;
  /** The listener on port 80: the services' rules, or a redirect to HTTPS with a certificate. */
  public readonly httpListener: LbListener;
  /** The listener on port 443, with a certificate only. */
  public readonly httpsListener?: LbListener;
  /** The ACM certificate, with a certificate only. */
  public readonly certificate?: AcmCertificate;
  /** FQDN of the DNS validation record the certificate is validated with, with a certificate only. */
  public readonly validationRecordFqdn?: string;
  /** The web ACL association, with a webAclArn only. */
  public readonly webAclAssociation?: Wafv2WebAclAssociation;

  constructor(scope: Construct, id: string, props: LoadBalancerProps) {
    super(scope, id);
    validate(props);
    const { provider, namePrefix } = props;
    const domain = props.certificate;
    const listenerPorts = domain ? [80, 443] : [80];

    this.securityGroup = new SecurityGroup(this, 'SecurityGroup', {
      provider,
      name: `${namePrefix}-alb`,
      description: `Internet-facing load balancer ${namePrefix}-alb: HTTP(S) from anywhere, to the tasks only`,
      vpcId: props.vpcId,
      tags: { Name: `${namePrefix}-alb` },
    });
    for (const port of listenerPorts) {
      const scheme = port === 443 ? 'Https' : 'Http';
      const families = [['Ipv4', { cidrIpv4: '0.0.0.0/0' }]] as Array<
        [string, { cidrIpv4?: string; cidrIpv6?: string }]
      >;
      if (props.dualStack) families.push(['Ipv6', { cidrIpv6: '::/0' }]);
      for (const [family, cidr] of families) {
        new VpcSecurityGroupIngressRule(this, `${scheme}Ingress${family}`, {
          provider,
          securityGroupId: this.securityGroup.id,
          description: `${scheme.toUpperCase()} from anywhere (${family})`,
          ipProtocol: 'tcp',
          fromPort: port,
          toPort: port,
          ...cidr,
        });
      }
    }
    this.loadBalancer = new Lb(this, 'LoadBalancer', {
      provider,
      name: `${namePrefix}-alb`,
      loadBalancerType: 'application',
      internal: false,
      ipAddressType: props.dualStack ? 'dualstack' : 'ipv4',
      subnets: props.subnetIds,
      securityGroups: [this.securityGroup.id],
      dropInvalidHeaderFields: true,
      desyncMitigationMode: 'defensive',
      enableHttp2: true,
      idleTimeout: 60,
      enableDeletionProtection: props.deletionProtection ?? false,
      ...loadBalancerLogs(props),
    });
    if (props.webAclArn) {
      this.webAclAssociation = new Wafv2WebAclAssociation(this, 'WebAclAssociation', {
        provider,
        resourceArn: this.loadBalancer.arn,
        webAclArn: props.webAclArn,
      });
    }

    // Requests no service's rule claims get a 404 from the load balancer itself.
    const forward = [
      {
        type: 'fixed-response',
        fixedResponse: { contentType: 'text/plain', messageBody: 'Not Found', statusCode: '404' },
      },
    ];

    if (!domain) {
      this.httpListener = new LbListener(this, 'HttpListener', {
        provider,
        loadBalancerArn: this.loadBalancer.arn,
        port: 80,
        protocol: 'HTTP',
        defaultAction: forward,
      });
      return;
    }

    this.certificate = new AcmCertificate(this, 'Certificate', {
      provider,
      domainName: domain.domainName,
      subjectAlternativeNames: domain.subjectAlternativeNames,
      validationMethod: 'DNS',
      tags: { Name: `${namePrefix}-alb` },
      lifecycle: { createBeforeDestroy: true },
    });
    if (domain.validationRecordFqdn) {
      this.validationRecordFqdn = domain.validationRecordFqdn;
    } else {
      // One domain, so one validation option; the set is read through tolist(...)[0].
      const option = this.certificate.domainValidationOptions.get(0);
      this.validationRecordFqdn = new Route53Record(this, 'CertificateValidationRecord', {
        provider,
        zoneId: domain.hostedZoneId,
        name: option.resourceRecordName,
        type: option.resourceRecordType,
        records: [option.resourceRecordValue],
        ttl: 60,
        allowOverwrite: true,
      }).fqdn;
    }
    const validation = new AcmCertificateValidation(this, 'CertificateValidation', {
      provider,
      certificateArn: this.certificate.arn,
      validationRecordFqdns: [this.validationRecordFqdn],
    });
    // Taking the ARN from the validation makes the listener wait until the certificate is issued.
    this.httpsListener = new LbListener(this, 'HttpsListener', {
      provider,
      loadBalancerArn: this.loadBalancer.arn,
      port: 443,
      protocol: 'HTTPS',
      sslPolicy: TLS_POLICY,
      certificateArn: validation.certificateArn,
      defaultAction: forward,
    });
    this.httpListener = new LbListener(this, 'HttpListener', {
      provider,
      loadBalancerArn: this.loadBalancer.arn,
      port: 80,
      protocol: 'HTTP',
      defaultAction: [
        { type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' } },
      ],
    });
  }

  /** The load balancer's ARN suffix (`app/<name>/<id>`), CloudWatch's `LoadBalancer` dimension. */
  public get arnSuffix(): string {
    return this.loadBalancer.arnSuffix;
  }
}

/** The access and connection log blocks, and the wait for the bucket policy ELB checks at creation. */
function loadBalancerLogs(props: LoadBalancerProps) {
  const bucket = props.logBucket;
  if (!bucket) return {};
  const block = (enabled: boolean, prefix: string) => ({ enabled, bucket: bucket.bucketName, prefix });
  return {
    accessLogs: block(props.accessLogs ?? true, ACCESS_LOG_PREFIX),
    connectionLogs: block(props.connectionLogs ?? true, CONNECTION_LOG_PREFIX),
    dependsOn: [bucket.policy],
  };
}

function fail(prop: string, value: unknown, allowed: string): never {
  throw new ValidationError('LoadBalancer', prop, value, allowed);
}

/** AWS's 32-character limit on load balancer and target group names, checked on the built name. */
function checkName(namePrefix: string, kind: string, name: string): void {
  if (name.length > MAX_NAME_LENGTH) {
    fail(
      'namePrefix',
      namePrefix,
      `the ${kind} name "${name}" is ${name.length} characters; AWS allows at most ${MAX_NAME_LENGTH}`,
    );
  }
}

function validate(props: LoadBalancerProps): void {
  const { namePrefix } = props;
  if (!Token.isUnresolved(namePrefix)) {
    if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/.test(namePrefix)) {
      fail(
        'namePrefix',
        namePrefix,
        'use letters, digits and hyphens, not beginning or ending with a hyphen (AWS load balancer naming)',
      );
    }
    if (/^internal-/i.test(namePrefix)) {
      fail('namePrefix', namePrefix, 'AWS load balancer names must not begin with "internal-"');
    }
    if (/^sg-/i.test(namePrefix)) {
      fail('namePrefix', namePrefix, 'AWS security group names must not begin with "sg-"');
    }
    checkName(namePrefix, 'load balancer', `${namePrefix}-alb`);
  }
  if (!Token.isUnresolved(props.subnetIds) && props.subnetIds.length < 2) {
    fail('subnetIds', props.subnetIds, 'list at least 2 public subnets in different AZs (an ALB needs two)');
  }
  for (const prop of ['accessLogs', 'connectionLogs'] as const) {
    if (props[prop] && !props.logBucket) fail(prop, props[prop], 'give a logBucket to deliver the logs to');
  }
  const domain = props.certificate;
  if (domain && !Token.isUnresolved(domain.domainName)) {
    const labels = domain.domainName.replace(/^\*\./, '').split('.');
    if (
      domain.domainName.length > 253 ||
      labels.length < 2 ||
      !labels.every((label) => /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(label))
    ) {
      fail(
        'certificate.domainName',
        domain.domainName,
        'use a lower-case DNS name such as app.example.com (or *.example.com), without a trailing dot',
      );
    }
  }
  if (domain && !Token.isUnresolved(domain.hostedZoneId) && !/^Z[A-Z0-9]{1,31}$/.test(domain.hostedZoneId)) {
    fail(
      'certificate.hostedZoneId',
      domain.hostedZoneId,
      'use a Route 53 hosted zone ID such as Z0123456789ABC',
    );
  }
}
