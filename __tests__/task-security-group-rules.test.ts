import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { TaskSecurityGroupRules, TaskSecurityGroupRulesProps } from '../constructs/task-security-group-rules';
import { SynthesizedJson, ref, resources, synthScopeJson } from '../test-support/synth';

function synthRules(overrides: Partial<TaskSecurityGroupRulesProps> = {}): SynthesizedJson {
  return synthScopeJson((scope) => {
    const provider = new AwsProvider(scope, 'aws', { region: 'eu-west-1', alias: 'eu_west_1' });
    const securityGroup = new SecurityGroup(scope, 'Tasks', { provider, name: 'tasks', vpcId: 'vpc-1' });
    new TaskSecurityGroupRules(scope, 'Rules', {
      provider,
      securityGroup,
      containerPort: 8080,
      loadBalancerSecurityGroupId: 'sg-alb',
      fileSystemSecurityGroupId: 'sg-efs',
      ...overrides,
    });
  });
}

describe('TaskSecurityGroupRules', () => {
  it('admits the load balancer’s group on the container port only, into the tasks’ group', () => {
    // GIVEN a load balancer WHEN synthesized
    const json = synthRules();
    // THEN one ingress rule, from that group, on that port
    const ingress = resources(json, 'aws_vpc_security_group_ingress_rule');
    expect(
      ingress.map((r) => [r.security_group_id, r.referenced_security_group_id, r.from_port, r.to_port]),
    ).toEqual([[ref(json, 'aws_security_group', 'Tasks'), 'sg-alb', 8080, 8080]]);
  });

  it('lets the tasks out to HTTPS anywhere and to NFS on the file system’s group only', () => {
    const json = synthRules();
    const egress = resources(json, 'aws_vpc_security_group_egress_rule');
    expect(
      egress.map((r) => [r.path.split('/').pop(), r.cidr_ipv4, r.referenced_security_group_id, r.to_port]),
    ).toEqual([
      ['EgressHttps', '0.0.0.0/0', undefined, 443],
      ['EgressNfs', undefined, 'sg-efs', 2049],
    ]);
    expect(egress.every((r) => r.security_group_id === ref(json, 'aws_security_group', 'Tasks'))).toBe(true);
  });

  it('admits nothing without a load balancer (a worker, a scheduled task)', () => {
    const json = synthRules({ loadBalancerSecurityGroupId: undefined });
    expect(resources(json, 'aws_vpc_security_group_ingress_rule')).toEqual([]);
    expect(resources(json, 'aws_vpc_security_group_egress_rule')).toHaveLength(2);
  });
});
