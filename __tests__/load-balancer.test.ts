import { TerraformOutput } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { AccessLogBucket } from '../constructs/access-log-bucket';
import { LoadBalancer, LoadBalancerProps } from '../constructs/load-balancer';
import {
  SynthesizedJson,
  allBlocks,
  ref,
  resourceAt,
  resources,
  synthScopeJson,
} from '../test-support/synth';

const certificate = { domainName: 'app.example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' };

function synthLoadBalancer(props: Partial<Omit<LoadBalancerProps, 'provider'>> = {}): SynthesizedJson {
  return synthScopeJson((scope) => {
    const provider = new AwsProvider(scope, 'aws', { region: 'us-east-1', alias: 'us_east_1' });
    new LoadBalancer(scope, 'Alb', {
      provider,
      namePrefix: 'fargate-test',
      vpcId: 'vpc-0123456789abcdef0',
      subnetIds: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'],
      ...props,
    });
  });
}

/** The listeners' default action: a 404 from the load balancer for requests no service's rule claims. */
const notFound = [
  {
    type: 'fixed-response',
    fixed_response: { content_type: 'text/plain', message_body: 'Not Found', status_code: '404' },
  },
];

/** The security group rules of a type as comparable objects: construct ID and arguments only. */
function rules(json: SynthesizedJson, type: string): Array<Record<string, unknown>> {
  return resources(json, type).map((block) => {
    const rule: Record<string, unknown> = { id: block.path.split('/').pop(), ...block };
    for (const key of ['//', 'path', 'provider']) delete rule[key];
    return rule;
  });
}

describe('LoadBalancer', () => {
  it('creates an internet-facing application load balancer in the public subnets, hardened', () => {
    // GIVEN / WHEN a load balancer with the defaults
    const json = synthLoadBalancer();
    // THEN
    expect(resources(json, 'aws_lb')).toHaveLength(1);
    expect(resourceAt(json, 'aws_lb', 'Alb/LoadBalancer')).toMatchObject({
      name: 'fargate-test-alb',
      load_balancer_type: 'application',
      internal: false,
      subnets: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'],
      security_groups: [ref(json, 'aws_security_group', 'Alb/SecurityGroup')],
      drop_invalid_header_fields: true,
      desync_mitigation_mode: 'defensive',
      enable_http2: true,
      idle_timeout: 60,
      enable_deletion_protection: false,
    });
  });

  it('turns deletion protection on when asked', () => {
    // GIVEN / WHEN
    const json = synthLoadBalancer({ deletionProtection: true });
    // THEN
    expect(resourceAt(json, 'aws_lb', 'Alb/LoadBalancer').enable_deletion_protection).toBe(true);
  });

  it('opens the security group to HTTP from anywhere and lets it reach nothing until a service routes to it', () => {
    // GIVEN / WHEN a load balancer without a certificate and without services
    const json = synthLoadBalancer();
    // THEN ingress on 80 only, and no egress: each service's routing adds its own, to its tasks only
    const group = ref(json, 'aws_security_group', 'Alb/SecurityGroup');
    expect(resourceAt(json, 'aws_security_group', 'Alb/SecurityGroup')).toMatchObject({
      name: 'fargate-test-alb',
      vpc_id: 'vpc-0123456789abcdef0',
      description: expect.stringContaining('fargate-test-alb') as unknown,
    });
    expect(resourceAt(json, 'aws_security_group', 'Alb/SecurityGroup').ingress).toBeUndefined();
    expect(resourceAt(json, 'aws_security_group', 'Alb/SecurityGroup').egress).toBeUndefined();
    expect(rules(json, 'aws_vpc_security_group_ingress_rule')).toEqual([
      expect.objectContaining({
        id: 'HttpIngressIpv4',
        security_group_id: group,
        ip_protocol: 'tcp',
        from_port: 80,
        to_port: 80,
        cidr_ipv4: '0.0.0.0/0',
      }),
    ]);
    expect(rules(json, 'aws_vpc_security_group_egress_rule')).toEqual([]);
    expect(resources(json, 'aws_lb_target_group')).toEqual([]);
    expect(resources(json, 'aws_lb_listener_rule')).toEqual([]);
  });

  it('answers HTTP on 80 with a 404 of its own and has nothing on 443 without a certificate', () => {
    // GIVEN / WHEN
    const json = synthLoadBalancer();
    // THEN requests no service's rule claims get the fixed 404
    expect(resources(json, 'aws_lb_listener')).toEqual([
      expect.objectContaining({
        path: expect.stringMatching(/Alb\/HttpListener$/) as unknown,
        load_balancer_arn: ref(json, 'aws_lb', 'Alb/LoadBalancer', 'arn'),
        port: 80,
        protocol: 'HTTP',
        default_action: notFound,
      }),
    ]);
    expect(JSON.stringify(json.resource)).not.toContain('443');
    for (const type of ['aws_acm_certificate', 'aws_acm_certificate_validation', 'aws_route53_record']) {
      expect(resources(json, type)).toEqual([]);
    }
  });

  it('requests a DNS-validated certificate and writes its validation record in the zone', () => {
    // GIVEN / WHEN a load balancer with a domain
    const json = synthLoadBalancer({ certificate });
    // THEN
    expect(resourceAt(json, 'aws_acm_certificate', 'Alb/Certificate')).toMatchObject({
      domain_name: 'app.example.com',
      validation_method: 'DNS',
      lifecycle: { create_before_destroy: true },
    });
    expect(
      resourceAt(json, 'aws_acm_certificate', 'Alb/Certificate').subject_alternative_names,
    ).toBeUndefined();
    const options = ref(json, 'aws_acm_certificate', 'Alb/Certificate', 'domain_validation_options');
    // cdktf's list accessor on a set: tolist(...) then the legacy `.0` index
    const option = `tolist(${options.slice(2, -1)}).0`;
    expect(resourceAt(json, 'aws_route53_record', 'Alb/CertificateValidationRecord')).toMatchObject({
      zone_id: 'Z0123456789ABCDEFGHIJ',
      name: `\${${option}.resource_record_name}`,
      type: `\${${option}.resource_record_type}`,
      records: [`\${${option}.resource_record_value}`],
      ttl: 60,
      allow_overwrite: true,
    });
    expect(resourceAt(json, 'aws_acm_certificate_validation', 'Alb/CertificateValidation')).toMatchObject({
      certificate_arn: ref(json, 'aws_acm_certificate', 'Alb/Certificate', 'arn'),
      validation_record_fqdns: [ref(json, 'aws_route53_record', 'Alb/CertificateValidationRecord', 'fqdn')],
    });
  });

  it('covers the further names given, validated with the same record', () => {
    // GIVEN the domain's wildcard as a further name
    const json = synthLoadBalancer({
      certificate: { ...certificate, subjectAlternativeNames: ['*.app.example.com'] },
    });
    // THEN one certificate for both, and still one validation record
    expect(resourceAt(json, 'aws_acm_certificate', 'Alb/Certificate')).toMatchObject({
      domain_name: 'app.example.com',
      subject_alternative_names: ['*.app.example.com'],
    });
    expect(resources(json, 'aws_route53_record')).toHaveLength(1);
  });

  it('serves HTTPS on 443 with the TLS 1.3 policy once the certificate is issued', () => {
    // GIVEN / WHEN
    const json = synthLoadBalancer({ certificate });
    // THEN the certificate ARN comes from the validation, so the listener waits for it
    expect(resourceAt(json, 'aws_lb_listener', 'Alb/HttpsListener')).toMatchObject({
      load_balancer_arn: ref(json, 'aws_lb', 'Alb/LoadBalancer', 'arn'),
      port: 443,
      protocol: 'HTTPS',
      ssl_policy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      certificate_arn: ref(
        json,
        'aws_acm_certificate_validation',
        'Alb/CertificateValidation',
        'certificate_arn',
      ),
      default_action: notFound,
    });
  });

  it('redirects HTTP to HTTPS permanently with a certificate', () => {
    // GIVEN / WHEN
    const json = synthLoadBalancer({ certificate });
    // THEN
    expect(resources(json, 'aws_lb_listener')).toHaveLength(2);
    expect(resourceAt(json, 'aws_lb_listener', 'Alb/HttpListener')).toMatchObject({
      load_balancer_arn: ref(json, 'aws_lb', 'Alb/LoadBalancer', 'arn'),
      port: 80,
      protocol: 'HTTP',
      default_action: [
        { type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', status_code: 'HTTP_301' } },
      ],
    });
  });

  it('opens 443 as well as 80 from anywhere with a certificate', () => {
    // GIVEN / WHEN
    const json = synthLoadBalancer({ certificate });
    // THEN
    expect(
      rules(json, 'aws_vpc_security_group_ingress_rule').map((rule) => [
        rule.id,
        rule.from_port,
        rule.to_port,
        rule.cidr_ipv4 ?? rule.cidr_ipv6,
      ]),
    ).toEqual([
      ['HttpIngressIpv4', 80, 80, '0.0.0.0/0'],
      ['HttpsIngressIpv4', 443, 443, '0.0.0.0/0'],
    ]);
    expect(resources(json, 'aws_vpc_security_group_egress_rule')).toEqual([]);
  });

  it('exposes its children and the ARN suffix CloudWatch uses as a dimension', () => {
    // GIVEN
    let construct: LoadBalancer | undefined;
    // WHEN the suffixes are used in outputs
    const json = synthScopeJson((scope) => {
      const provider = new AwsProvider(scope, 'aws', { region: 'us-east-1', alias: 'us_east_1' });
      construct = new LoadBalancer(scope, 'Alb', {
        provider,
        namePrefix: 'fargate-test',
        vpcId: 'vpc-1',
        subnetIds: ['subnet-a', 'subnet-b'],
        certificate,
      });
      new TerraformOutput(scope, 'LoadBalancerDimension', { value: construct.arnSuffix });
    });
    // THEN
    expect(json.output?.LoadBalancerDimension.value).toBe(
      ref(json, 'aws_lb', 'Alb/LoadBalancer', 'arn_suffix'),
    );
    const lb = construct!;
    expect(
      [lb.loadBalancer, lb.securityGroup, lb.httpListener, lb.httpsListener, lb.certificate].map(
        (child) => child?.node.path,
      ),
    ).toEqual(
      ['LoadBalancer', 'SecurityGroup', 'HttpListener', 'HttpsListener', 'Certificate'].map(
        (id) => `test/Alb/${id}`,
      ),
    );
  });

  it('validates against another load balancer’s record instead of owning one when given its FQDN', () => {
    // GIVEN the record of the primary region's certificate for the same domain
    const json = synthLoadBalancer({
      certificate: { ...certificate, validationRecordFqdn: '_abc.app.example.com' },
    });
    // THEN no record of its own, and the validation uses the given one
    expect(resources(json, 'aws_route53_record')).toEqual([]);
    expect(resources(json, 'aws_acm_certificate_validation')).toEqual([
      expect.objectContaining({ validation_record_fqdns: ['_abc.app.example.com'] }),
    ]);
  });

  it('serves IPv6 clients as well when dual-stack', () => {
    // GIVEN dualStack WHEN synthesized THEN dualstack addressing and ::/0 ingress on the listener ports
    const json = synthLoadBalancer({ dualStack: true, certificate });
    expect(resourceAt(json, 'aws_lb', 'LoadBalancer').ip_address_type).toBe('dualstack');
    expect(
      resources(json, 'aws_vpc_security_group_ingress_rule')
        .filter((rule) => rule.cidr_ipv6 === '::/0')
        .map((rule) => rule.from_port)
        .sort(),
    ).toEqual([443, 80]);
    expect(resourceAt(synthLoadBalancer(), 'aws_lb', 'LoadBalancer').ip_address_type).toBe('ipv4');
  });

  it('puts every block on the given provider', () => {
    // GIVEN / WHEN both variants
    for (const [json, count] of [
      [synthLoadBalancer(), 4],
      [synthLoadBalancer({ certificate }), 9],
    ] as const) {
      // THEN
      const blocks = allBlocks(json);
      expect(blocks).toHaveLength(count);
      expect(blocks.filter((block) => block.provider !== 'aws.us_east_1')).toEqual([]);
    }
  });

  it('accepts a namePrefix whose load balancer name is exactly 32 characters', () => {
    // GIVEN a 28-character prefix: "<prefix>-alb" is 32 characters
    const namePrefix = 'a'.repeat(28);
    // WHEN
    const json = synthLoadBalancer({ namePrefix });
    // THEN
    expect(resourceAt(json, 'aws_lb', 'Alb/LoadBalancer').name).toHaveLength(32);
  });

  it('rejects a namePrefix that makes a 33-character load balancer name', () => {
    expect(() => synthLoadBalancer({ namePrefix: 'a'.repeat(29) })).toThrow(
      `LoadBalancer: namePrefix "${'a'.repeat(29)}" is not allowed; the load balancer name "${'a'.repeat(29)}-alb" is 33 characters; AWS allows at most 32`,
    );
  });

  it('rejects a namePrefix with characters AWS does not allow in names', () => {
    expect(() => synthLoadBalancer({ namePrefix: 'fargate_dev' })).toThrow(
      'LoadBalancer: namePrefix "fargate_dev" is not allowed; use letters, digits and hyphens, not beginning or ending with a hyphen (AWS load balancer naming)',
    );
  });

  it('rejects a namePrefix beginning with a hyphen', () => {
    expect(() => synthLoadBalancer({ namePrefix: '-fargate' })).toThrow(
      'LoadBalancer: namePrefix "-fargate" is not allowed; use letters, digits and hyphens, not beginning or ending with a hyphen (AWS load balancer naming)',
    );
  });

  it('rejects a namePrefix beginning with "internal-"', () => {
    expect(() => synthLoadBalancer({ namePrefix: 'internal-app' })).toThrow(
      'LoadBalancer: namePrefix "internal-app" is not allowed; AWS load balancer names must not begin with "internal-"',
    );
  });

  it('rejects a namePrefix beginning with "sg-"', () => {
    expect(() => synthLoadBalancer({ namePrefix: 'sg-app' })).toThrow(
      'LoadBalancer: namePrefix "sg-app" is not allowed; AWS security group names must not begin with "sg-"',
    );
  });

  it('rejects fewer than two subnets', () => {
    expect(() => synthLoadBalancer({ subnetIds: ['subnet-0aaaaaaaaaaaaaaaa'] })).toThrow(
      'LoadBalancer: subnetIds ["subnet-0aaaaaaaaaaaaaaaa"] is not allowed; list at least 2 public subnets in different AZs (an ALB needs two)',
    );
  });

  it.each([
    'example',
    'App.Example.com',
    'app.example.com.',
    'app_1.example.com',
    '-app.example.com',
    `${'a'.repeat(63)}.`.repeat(3) + 'b'.repeat(63),
  ])('rejects the certificate domain name %p', (domainName) => {
    expect(() => synthLoadBalancer({ certificate: { ...certificate, domainName } })).toThrow(
      `LoadBalancer: certificate.domainName "${domainName}" is not allowed; use a lower-case DNS name such as app.example.com (or *.example.com), without a trailing dot`,
    );
  });

  it('accepts a wildcard certificate domain name', () => {
    const json = synthLoadBalancer({ certificate: { ...certificate, domainName: '*.example.com' } });
    expect(resourceAt(json, 'aws_acm_certificate', 'Alb/Certificate').domain_name).toBe('*.example.com');
  });

  it.each(['0123456789ABC', 'z0123456789abc', '/hostedzone/Z0123456789ABC'])(
    'rejects the hosted zone ID %p',
    (hostedZoneId) => {
      expect(() => synthLoadBalancer({ certificate: { ...certificate, hostedZoneId } })).toThrow(
        `LoadBalancer: certificate.hostedZoneId "${hostedZoneId}" is not allowed; use a Route 53 hosted zone ID such as Z0123456789ABC`,
      );
    },
  );
});

describe('LoadBalancer edge controls', () => {
  /** A load balancer with a log bucket in its region, and extra props. */
  function synthWithLogs(
    props: Partial<Omit<LoadBalancerProps, 'provider' | 'logBucket'>> = {},
  ): SynthesizedJson {
    return synthScopeJson((scope) => {
      const provider = new AwsProvider(scope, 'aws', { region: 'us-east-1', alias: 'us_east_1' });
      const logBucket = new AccessLogBucket(scope, 'Logs', {
        provider,
        region: 'us-east-1',
        accountId: '123456789012',
        bucketName: 'fargate-test-logs',
      });
      new LoadBalancer(scope, 'Alb', {
        provider,
        namePrefix: 'fargate-test',
        vpcId: 'vpc-0123456789abcdef0',
        subnetIds: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'],
        logBucket,
        ...props,
      });
    });
  }

  it('delivers access and connection logs under their own prefixes, after the bucket policy', () => {
    // GIVEN / WHEN a log bucket
    const json = synthWithLogs();
    // THEN
    const lb = resourceAt(json, 'aws_lb', 'Alb/LoadBalancer');
    const bucket = ref(json, 'aws_s3_bucket', 'Logs/Bucket', 'bucket');
    expect(lb.access_logs).toEqual({ enabled: true, bucket, prefix: 'alb-access' });
    expect(lb.connection_logs).toEqual({ enabled: true, bucket, prefix: 'alb-connection' });
    expect(lb.depends_on).toEqual([
      ref(json, 'aws_s3_bucket_policy', 'Logs/Policy', '').replace(/^\$\{(.*)\.\}$/, '$1'),
    ]);
  });

  it('can leave connection logs off', () => {
    const lb = resourceAt(synthWithLogs({ connectionLogs: false }), 'aws_lb', 'Alb/LoadBalancer');
    expect((lb.connection_logs as { enabled: boolean }).enabled).toBe(false);
    expect((lb.access_logs as { enabled: boolean }).enabled).toBe(true);
  });

  it('has no log blocks and no web ACL association by default', () => {
    const json = synthLoadBalancer();
    expect(resourceAt(json, 'aws_lb', 'Alb/LoadBalancer').access_logs).toBeUndefined();
    expect(resources(json, 'aws_wafv2_web_acl_association')).toEqual([]);
  });

  it('associates the web ACL with the load balancer', () => {
    const webAclArn =
      'arn:aws:wafv2:us-east-1:123456789012:regional/webacl/x/12345678-1234-1234-1234-123456789012';
    const json = synthLoadBalancer({ webAclArn });
    expect(resources(json, 'aws_wafv2_web_acl_association')).toEqual([
      expect.objectContaining({
        resource_arn: ref(json, 'aws_lb', 'Alb/LoadBalancer', 'arn'),
        web_acl_arn: webAclArn,
      }),
    ]);
  });

  it.each([
    [
      { accessLogs: true },
      'LoadBalancer: accessLogs true is not allowed; give a logBucket to deliver the logs to',
    ],
    [
      { connectionLogs: true },
      'LoadBalancer: connectionLogs true is not allowed; give a logBucket to deliver the logs to',
    ],
  ] as Array<[Partial<LoadBalancerProps>, string]>)('rejects %j', (props, message) => {
    expect(() => synthLoadBalancer(props)).toThrow(message);
  });
});
