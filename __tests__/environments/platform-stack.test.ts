import { Block, SynthesizedJson, allBlocks, ref, resources } from '../../test-support/synth';
import { synthPlatformOnce } from '../../test-support/platform';

const synthPlatform = synthPlatformOnce;

describe('PlatformStack', () => {
  it('creates one aliased AWS provider per region, plus us-west-2 for Global Accelerator, with default tags', () => {
    // GIVEN default settings WHEN synthesized
    const json = synthPlatform({ tags: { owner: 'platform' } });
    // THEN
    expect(json.provider?.aws).toEqual([
      expect.objectContaining({ alias: 'us_east_1', region: 'us-east-1' }),
      expect.objectContaining({ alias: 'eu_west_1', region: 'eu-west-1' }),
      expect.objectContaining({ alias: 'us_west_2', region: 'us-west-2' }),
    ]);
    for (const provider of json.provider?.aws ?? []) {
      expect(provider.default_tags).toEqual([
        { tags: { owner: 'platform', app: 'fargate', environment: 'test', 'managed-by': 'cdktf' } },
      ]);
      expect(provider.allowed_account_ids).toBeUndefined();
    }
  });

  it('pins every provider to the configured account', () => {
    const json = synthPlatform({ accountId: '123456789012' });
    expect(json.provider?.aws.map((p) => p.allowed_account_ids)).toEqual([
      ['123456789012'],
      ['123456789012'],
      ['123456789012'],
    ]);
  });

  it('takes the account from the settings and looks it up only when they omit it', () => {
    expect(synthPlatform({ accountId: '123456789012' }).data?.aws_caller_identity).toBeUndefined();
    const lookedUp = Object.values(synthPlatform().data?.aws_caller_identity ?? {});
    expect(lookedUp.map((block) => block.provider)).toEqual(['aws.us_east_1']);
  });

  it('gives every resource and data source its provider explicitly', () => {
    const json = synthPlatform();
    const blocks = allBlocks(json);
    expect(blocks.length).toBeGreaterThan(40);
    const missing = blocks.filter((block) => !block.provider).map((block) => `${block.type} ${block.path}`);
    expect(missing).toEqual([]);
  });

  it('builds each region with its own provider', () => {
    const json = synthPlatform();
    // Regional resources live under fargate-test/<region>/; the ECR repository under the primary
    // region's provider, its replica-side resources under ContainerRepository/<region>/.
    // Global Accelerator (and its endpoint groups, scoped by region) is managed through us-west-2.
    const regionOf = (path: string) =>
      path.startsWith('fargate-test/GlobalAccelerator/')
        ? 'us-west-2'
        : (path.split('/').find((part) => /^[a-z]{2}-[a-z]+-\d$/.test(part)) ?? 'us-east-1');
    for (const block of allBlocks(json)) {
      const expected = `aws.${regionOf(block.path).replace(/-/g, '_')}`;
      expect(`${block.path} -> ${block.provider}`).toBe(`${block.path} -> ${expected}`);
    }
    expect(resources(json, 'aws_vpc').map((vpc) => [vpc.provider, vpc.cidr_block])).toEqual(
      expect.arrayContaining([
        ['aws.us_east_1', '10.0.0.0/16'],
        ['aws.eu_west_1', '10.1.0.0/16'],
      ]),
    );
  });

  it('adds a third region with one more settings entry and no code change', () => {
    // GIVEN three regions
    const json = synthPlatform({
      regions: [
        { name: 'us-east-1', vpcCidr: '10.0.0.0/16', availabilityZones: ['us-east-1a', 'us-east-1b'] },
        { name: 'eu-west-1', vpcCidr: '10.1.0.0/16', availabilityZones: ['eu-west-1a', 'eu-west-1b'] },
        {
          name: 'ap-southeast-2',
          vpcCidr: '10.2.0.0/16',
          availabilityZones: ['ap-southeast-2a', 'ap-southeast-2b'],
        },
      ],
    });
    // THEN a third provider and a third full network on it
    expect(json.provider?.aws.map((p) => p.alias)).toEqual([
      'us_east_1',
      'eu_west_1',
      'ap_southeast_2',
      'us_west_2',
    ]);
    const sydney = allBlocks(json).filter((block) => block.provider === 'aws.ap_southeast_2');
    expect(sydney.filter((b) => b.type === 'aws_subnet')).toHaveLength(4);
    expect(sydney.filter((b) => b.type === 'aws_nat_gateway')).toHaveLength(2);
    expect(Object.keys(json.output ?? {})).toEqual(
      expect.arrayContaining([
        'ap_southeast_2_vpc_id',
        'ap_southeast_2_public_subnet_ids',
        'ap_southeast_2_private_subnet_ids',
      ]),
    );
  });

  it('outputs the accelerator, the app URL, per region network, ALB, cluster, storage, vault and topic, and per region and service its ECS service, repository and target group', () => {
    const json = synthPlatform();
    const perRegion = [
      'alarm_topic_arn',
      'alb_dns_name',
      'backup_vault_arn',
      'bucket_name',
      'cluster_name',
      'file_system_id',
      'private_subnet_ids',
      'public_subnet_ids',
      'vpc_id',
    ];
    const perService = ['repository_url', 'service_name', 'target_group_arn'];
    expect(Object.keys(json.output ?? {}).sort()).toEqual(
      [
        'accelerator_dns_name',
        'accelerator_static_ips',
        'app_url',
        'expected_drain_seconds',
        'expected_failover_seconds',
        'expected_return_seconds',
        'recovery_objectives',
        ...['us_east_1', 'eu_west_1'].flatMap((alias) => [
          ...perRegion.map((name) => `${alias}_${name}`),
          ...perService.map((name) => `${alias}_app_${name}`),
        ]),
      ].sort(),
    );
    // The defaults: 10 s × 2 + 5 s + 30 s; 30 s + 30 s delay; 10 s × 2 + 30 s.
    expect(json.output?.expected_failover_seconds.value).toBe(55);
    expect(json.output?.expected_drain_seconds.value).toBe(60);
    expect(json.output?.expected_return_seconds.value).toBe(50);
  });

  describe('with several services', () => {
    const services = {
      web: { image: { tag: '1.0.0' }, routing: { paths: ['/*'], priority: 50000 } },
      api: {
        image: { tag: '2.0.0' },
        routing: { paths: ['/api/*'], priority: 100 },
        // the slowest service sets the worst case
        service: {
          healthCheckIntervalSeconds: 30,
          unhealthyThresholdCount: 3,
          deregistrationDelaySeconds: 120,
        },
      },
    };

    it('outputs each service’s ECS service, repository and target group in each region, referring to its own', () => {
      // GIVEN two services WHEN synthesized
      const json = synthPlatform({ services });
      // THEN each output refers to that service's resource in that region
      for (const region of ['us-east-1', 'eu-west-1']) {
        const alias = region.replace(/-/g, '_');
        for (const service of ['web', 'api']) {
          const scope = `fargate-test/Services/${service}/${region}/`;
          expect(json.output?.[`${alias}_${service}_service_name`].value).toBe(
            ref(json, 'aws_ecs_service', `${scope}Service/Service`, 'name'),
          );
          expect(json.output?.[`${alias}_${service}_target_group_arn`].value).toBe(
            ref(json, 'aws_lb_target_group', `${scope}Routing/TargetGroup`, 'arn'),
          );
          expect(String(json.output?.[`${alias}_${service}_repository_url`].value)).toContain(
            ref(json, 'aws_ecr_repository', `ContainerRepository/${service}/Repository`, 'name'),
          );
        }
      }
      expect(Object.keys(json.output ?? {}).filter((name) => name.includes('_app_'))).toEqual([]);
    });

    it('takes the worst case of the services for the expected failover, drain and return times', () => {
      // GIVEN api checks every 30 s, 3 failures, 120 s drain; web the defaults WHEN synthesized
      const json = synthPlatform({ services });
      // THEN api's: 30 s × 3 + 5 s + 30 s; 30 s + 120 s delay; 30 s × 2 + 30 s
      expect(json.output?.expected_failover_seconds.value).toBe(125);
      expect(json.output?.expected_drain_seconds.value).toBe(150);
      expect(json.output?.expected_return_seconds.value).toBe(90);
    });

    it('adds a service without changing any resource of the others', () => {
      // GIVEN the environment with web only, and with web and api
      const alone = synthPlatform({ services: { web: services.web } });
      const both = synthPlatform({ services });
      // THEN every resource of web keeps its address and its configuration
      const webOf = (json: SynthesizedJson) =>
        allBlocks(json)
          .filter((block) => block.path.startsWith('fargate-test/Services/web/'))
          .map((block) => {
            const [name, body] = Object.entries(json[block.kind]?.[block.type] ?? {}).find(
              ([, candidate]) =>
                (candidate['//'] as { metadata: { path: string } }).metadata.path === block.path,
            ) as [string, Block];
            return [`${block.type}.${name}`, body];
          });
      expect(webOf(alone).length).toBeGreaterThan(20);
      expect(webOf(both)).toEqual(webOf(alone));
      // AND web's repository too
      const repository = (json: SynthesizedJson) =>
        resources(json, 'aws_ecr_repository').filter((r) => r.path.includes('/web/'));
      expect(repository(both)).toEqual(repository(alone));
    });
  });

  it('outputs the created zone’s ID and name servers with createZone, for the delegation', () => {
    // GIVEN a domain whose zone the stack creates WHEN synthesized
    const json = synthPlatform({ domain: { zoneName: 'example.com', createZone: true } });
    // THEN the zone's ID and name servers are outputs, referring to that zone
    const [zoneName] = Object.keys(json.resource?.aws_route53_zone ?? {});
    expect(json.output?.hosted_zone_id.value).toBe(`\${aws_route53_zone.${zoneName}.zone_id}`);
    expect(json.output?.hosted_zone_name_servers.value).toBe(`\${aws_route53_zone.${zoneName}.name_servers}`);
  });

  it('has no zone outputs with an existing zone', () => {
    const json = synthPlatform({
      domain: { zoneName: 'example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' },
    });
    expect(Object.keys(json.output ?? {}).filter((name) => name.startsWith('hosted_zone'))).toEqual([]);
  });

  it('keeps state under terraform.tfstate.d at the project root through a relative path', () => {
    const json = synthPlatform();
    expect(json.terraform?.backend).toEqual({
      local: { path: '../../../terraform.tfstate.d/fargate-test.tfstate' },
    });
  });
});
