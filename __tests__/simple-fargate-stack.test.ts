import { Testing } from 'cdktf';
import { SimpleFargateStack } from '../stacks/simple-fargate-stack';
import { allBlocks, ref, resourceAt, resources, synthJson } from '../test-support/synth';

function synthSimple() {
  return synthJson(
    new SimpleFargateStack(Testing.app(), 'simple', {
      region: 'us-east-1',
      availabilityZone: 'us-east-1a',
      accountId: '123456789012',
    }),
  );
}

describe('SimpleFargateStack (seed 8.8)', () => {
  it("keeps the seed's VPC and public subnet", () => {
    const json = synthSimple();
    expect(resourceAt(json, 'aws_vpc', 'VPC')).toMatchObject({
      cidr_block: '10.0.0.0/16',
      enable_dns_support: true,
      enable_dns_hostnames: true,
    });
    expect(resourceAt(json, 'aws_subnet', 'PublicSubnet')).toMatchObject({
      cidr_block: '10.0.1.0/24',
      map_public_ip_on_launch: true,
      availability_zone: 'us-east-1a',
    });
  });

  it("runs the seed's task: MyTask, 512 CPU / 1024 MiB, awsvpc, Fargate, amazon-ecs-sample on port 80", () => {
    const json = synthSimple();
    expect(resourceAt(json, 'aws_ecs_cluster', 'ECSCluster').name).toBe('MyFargateCluster');
    const task = resourceAt(json, 'aws_ecs_task_definition', 'TaskDefinition');
    expect(task).toMatchObject({
      family: 'MyTask',
      cpu: '512',
      memory: '1024',
      network_mode: 'awsvpc',
      requires_compatibilities: ['FARGATE'],
      execution_role_arn: ref(json, 'aws_iam_role', 'ExecutionRole', 'arn'),
    });
    const [container] = JSON.parse(String(task.container_definitions)) as Array<Record<string, unknown>>;
    expect(container).toMatchObject({
      name: 'app',
      image: 'amazon/amazon-ecs-sample:latest',
      essential: true,
      portMappings: [{ containerPort: 80, protocol: 'tcp' }],
      logConfiguration: {
        logDriver: 'awslogs',
        options: expect.objectContaining({ 'awslogs-stream-prefix': 'ecs' }),
      },
    });
  });

  it('runs two Fargate tasks with public IPs in the public subnet behind a port-80 security group', () => {
    const json = synthSimple();
    expect(resourceAt(json, 'aws_ecs_service', 'ECSService')).toMatchObject({
      desired_count: 2,
      launch_type: 'FARGATE',
      network_configuration: {
        subnets: [ref(json, 'aws_subnet', 'PublicSubnet')],
        security_groups: [ref(json, 'aws_security_group', 'ServiceSecurityGroup')],
        assign_public_ip: true,
      },
    });
    expect(resourceAt(json, 'aws_vpc_security_group_ingress_rule', 'HttpIngress')).toMatchObject({
      from_port: 80,
      to_port: 80,
      ip_protocol: 'tcp',
      cidr_ipv4: '0.0.0.0/0',
    });
  });

  it('adds what the seed forgot: internet route, execution role, log group', () => {
    const json = synthSimple();
    expect(resourceAt(json, 'aws_route', 'DefaultRoute')).toMatchObject({
      destination_cidr_block: '0.0.0.0/0',
      gateway_id: ref(json, 'aws_internet_gateway', 'InternetGateway'),
    });
    expect(resourceAt(json, 'aws_iam_role_policy_attachment', 'ExecutionRolePolicy').policy_arn).toBe(
      'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy',
    );
    expect(resources(json, 'aws_cloudwatch_log_group')).toEqual([
      expect.objectContaining({
        name: '/ecs/MyTask',
        retention_in_days: 30,
        kms_key_id: ref(json, 'aws_kms_key', 'LogKey/Key/Key', 'arn'),
      }),
    ]);
  });

  it('puts everything on the one regional provider', () => {
    const json = synthSimple();
    expect(json.provider?.aws).toEqual([
      expect.objectContaining({ alias: 'us_east_1', region: 'us-east-1' }),
    ]);
    expect(allBlocks(json).filter((block) => block.provider !== 'aws.us_east_1')).toEqual([]);
  });
});
