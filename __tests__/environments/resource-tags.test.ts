import { TerraformStack, Testing, Aspects } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { ResourceTags } from '../../aspects/resource-tags';
import { synthPlatformOnce } from '../../test-support/platform';
import { Block, SynthesizedJson, resources, synthJson } from '../../test-support/synth';

describe('ResourceTags', () => {
  it('tags every resource that takes tags, keeps what a resource sets itself, passes over the rest', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const provider = new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    const bucket = new S3Bucket(stack, 'Bucket', { provider, tags: { Name: 'own', team: 'own-team' } });
    new S3Bucket(stack, 'Plain', { provider });
    new S3BucketPolicy(stack, 'Policy', { provider, bucket: bucket.id, policy: '{}' });
    Aspects.of(stack).add(new ResourceTags({ team: 'payments', 'cost-centre': 'cc-42' }));
    const json = synthJson(stack);
    const [own, plain] = resources(json, 'aws_s3_bucket');
    expect(own.tags).toEqual({ Name: 'own', team: 'own-team', 'cost-centre': 'cc-42' });
    expect(plain.tags).toEqual({ team: 'payments', 'cost-centre': 'cc-42' });
    expect(resources(json, 'aws_s3_bucket_policy')[0]).not.toHaveProperty('tags');
  });
});

const TEAM_TOPIC = 'arn:aws:sns:us-east-1:123456789012:payments-oncall';
const TEAM_TAGS = { team: 'payments', 'cost-centre': 'cc-42' };
const SERVICES = {
  app: { image: { tag: '1.0.0' }, routing: { paths: ['/*'], priority: 50000 } },
  api: {
    image: { tag: '1.0.0' },
    routing: { paths: ['/api/*'], priority: 100 },
    tags: TEAM_TAGS,
    alarms: { topicArns: [TEAM_TOPIC] },
  },
};
// Resource types a service builds that take no tags in the AWS provider 5.100.
const UNTAGGABLE = [
  'aws_appautoscaling_policy',
  'aws_appautoscaling_scheduled_action',
  'aws_cloudwatch_dashboard',
  'aws_ecr_lifecycle_policy',
  'aws_iam_role_policy',
  'aws_iam_role_policy_attachment',
  'aws_lb_listener_certificate',
];

function underService(json: SynthesizedJson, service: string): Array<Block & { path: string; type: string }> {
  return Object.keys(json.resource ?? {}).flatMap((type) =>
    resources(json, type)
      .filter((block) => block.path.startsWith(`fargate-test/Services/${service}/`))
      .map((block) => ({ ...block, type })),
  );
}

describe('a service with tags and alarm topics of its own', () => {
  const json = () => synthPlatformOnce({ services: SERVICES });

  it('tags every resource of the service that takes tags, in every region', () => {
    const api = underService(json(), 'api');
    const taggable = api.filter((block) => !UNTAGGABLE.includes(block.type));
    expect(new Set(taggable.map((block) => block.type))).toEqual(
      new Set([
        'aws_cloudwatch_log_group',
        'aws_cloudwatch_metric_alarm',
        'aws_ecs_service',
        'aws_ecs_task_definition',
        'aws_efs_access_point',
        'aws_iam_role',
        'aws_lb_listener_rule',
        'aws_lb_target_group',
        'aws_security_group',
        'aws_vpc_security_group_egress_rule',
        'aws_vpc_security_group_ingress_rule',
        'aws_appautoscaling_target',
      ]),
    );
    for (const block of taggable)
      expect([block.path, block.tags]).toEqual([block.path, expect.objectContaining(TEAM_TAGS)]);
    for (const block of api.filter((block) => UNTAGGABLE.includes(block.type))) {
      expect(block).not.toHaveProperty('tags');
    }
    const regions = new Set(taggable.map((block) => block.path.split('/')[3]));
    expect(regions).toEqual(new Set(['us-east-1', 'eu-west-1']));
  });

  it('keeps the name tags the service sets itself', () => {
    const groups = underService(json(), 'api').filter((block) => block.type === 'aws_security_group');
    expect(groups.map((group) => (group.tags as Record<string, string>).Name)).toEqual([
      'fargate-test-api-tasks',
      'fargate-test-api-tasks',
    ]);
  });

  it('tags its repository, and nothing of another service', () => {
    const repositories = resources(json(), 'aws_ecr_repository');
    const tagsOf = (name: string) => repositories.find((repository) => repository.name === name)?.tags;
    expect(tagsOf('fargate/test/api')).toEqual(TEAM_TAGS);
    expect(tagsOf('fargate/test/app')).toBeUndefined();
    for (const block of underService(json(), 'app')) {
      expect([block.path, block.tags]).toEqual([
        block.path,
        block.tags === undefined ? undefined : expect.not.objectContaining({ team: 'payments' }),
      ]);
    }
  });

  it("sends the service's alarms to its team's topic in that topic's region, beside the environment's", () => {
    const alarms = (service: string, region: string) =>
      underService(json(), service).filter(
        (block) => block.type === 'aws_cloudwatch_metric_alarm' && block.path.includes(`/${region}/`),
      );
    expect(alarms('api', 'us-east-1').length).toBeGreaterThan(0);
    for (const alarm of alarms('api', 'us-east-1')) {
      expect(alarm.alarm_actions).toHaveLength(2);
      expect(alarm.alarm_actions).toContain(TEAM_TOPIC);
      expect(alarm.ok_actions).toContain(TEAM_TOPIC);
    }
    for (const alarm of [...alarms('api', 'eu-west-1'), ...alarms('app', 'us-east-1')]) {
      expect(alarm.alarm_actions).not.toContain(TEAM_TOPIC);
      expect(alarm.alarm_actions).toHaveLength(1);
    }
  });
});
