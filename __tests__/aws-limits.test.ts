/**
 * AWS's apply-time limits (settings/aws-limits.ts): the table, and the pure checks with a refusal
 * and an ordinary counterpart each. The task definition size checked at synth through the app is in
 * environments/aws-limits.test.ts.
 */
import {
  AWS_LIMITS,
  countProblem,
  elbNameProblem,
  loadBalancerProblems,
  taskDefinitionSizeProblem,
} from '../settings/aws-limits';

describe('the table of AWS limits', () => {
  it('holds the documented values, each with an AWS documentation source', () => {
    expect(AWS_LIMITS.taskDefinitionBytes.max).toBe(65536);
    expect(AWS_LIMITS.rulesPerLoadBalancer.max).toBe(100);
    expect(AWS_LIMITS.conditionValuesPerRule.max).toBe(5);
    expect(AWS_LIMITS.targetGroupsPerLoadBalancer.max).toBe(100);
    expect(AWS_LIMITS.targetGroupNameLength.max).toBe(32);
    expect(AWS_LIMITS.loadBalancerNameLength.max).toBe(32);
    expect(AWS_LIMITS.tagsPerResource.max).toBe(50);
    for (const limit of Object.values(AWS_LIMITS))
      expect(limit.source).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
  });
});

describe('task definition size', () => {
  const definitions = (variables: number, valueLength = 20) =>
    JSON.stringify([
      {
        name: 'app',
        environment: Array.from({ length: variables }, (_, i) => ({
          name: `VAR_${i}`,
          value: 'x'.repeat(valueLength),
        })),
      },
    ]);

  it('refuses one byte over 64 KiB, naming the size and what takes it', () => {
    const json = definitions(1000, 40);
    const other = 65536 - Buffer.byteLength(json) + 1;
    expect(
      taskDefinitionSizeProblem(json, other, { secrets: 2048, 'environment variables': 60000, command: 10 }),
    ).toBe(
      `the task definition would be 64.0 KiB (65537 bytes), of which environment variables 58.6 KiB, secrets 2.0 KiB; AWS allows at most 65536 bytes (64 KiB): task definition size (the RegisterTaskDefinition request, container definitions included); see https://docs.aws.amazon.com/general/latest/gr/ecs-service.html`,
    );
  });

  it('accepts exactly 64 KiB, and an ordinary task', () => {
    const json = definitions(1000, 40);
    expect(taskDefinitionSizeProblem(json, 65536 - Buffer.byteLength(json))).toBeUndefined();
    expect(taskDefinitionSizeProblem(definitions(20), 2048)).toBeUndefined();
  });

  it('counts bytes, not characters', () => {
    const json = JSON.stringify([{ environment: [{ name: 'A', value: 'é'.repeat(33000) }] }]);
    expect(json.length).toBeLessThan(65536);
    expect(taskDefinitionSizeProblem(json, 0)).toMatch(/^the task definition would be 64\.5 KiB/);
  });
});

describe('load balancer limits (for many services on one load balancer)', () => {
  const rule = (name: string, values = [`${name}.example.com`]) => ({ name, conditionValues: values });

  it('accepts 100 rules and 100 target groups, with 5 condition values each', () => {
    const rules = Array.from({ length: 100 }, (_, i) => rule(`svc${i}`, ['a', 'b', 'c', 'd', '/api/*']));
    expect(loadBalancerProblems({ name: 'fargate-prod', rules, targetGroups: 100, listeners: 2 })).toEqual(
      [],
    );
  });

  it('refuses the 101st rule and the 101st target group', () => {
    const rules = Array.from({ length: 101 }, (_, i) => rule(`svc${i}`));
    expect(loadBalancerProblems({ name: 'fargate-prod', rules, targetGroups: 101 })).toEqual([
      expect.stringMatching(
        /^load balancer fargate-prod would have 101 rules; AWS allows at most 100 rules: rules per Application Load Balancer, not counting default rules \(a default quota; an increase can be requested\); see https:\/\/docs\.aws\.amazon\.com\/elasticloadbalancing\//,
      ),
      expect.stringMatching(
        /^load balancer fargate-prod would have 101 target groups; AWS allows at most 100 target groups/,
      ),
    ]);
  });

  it('refuses a rule with 6 condition values, or 6 wildcards, or 6 target groups in its action', () => {
    const problems = loadBalancerProblems({
      name: 'lb',
      targetGroups: 6,
      rules: [
        rule('api', ['a', 'b', 'c', 'd', 'e', 'f']),
        rule('web', ['/a*?*', '/b**', '/c*']),
        { name: 'canary', conditionValues: ['/'], targetGroups: 6 },
      ],
    });
    expect(problems).toEqual([
      expect.stringMatching(
        /^the rule for api on lb would have 6 condition values; AWS allows at most 5 condition values/,
      ),
      expect.stringMatching(/^the rule for web on lb would have 6 wildcards; AWS allows at most 5 wildcards/),
      expect.stringMatching(
        /^the rule for canary on lb would have 6 target groups; AWS allows at most 5 target groups: target groups per action/,
      ),
    ]);
  });

  it('counts against any limit of the table', () => {
    expect(countProblem('listenersPerLoadBalancer', 51, 'lb has')).toMatch(
      /^lb has 51 listeners; AWS allows at most 50/,
    );
    expect(countProblem('listenersPerLoadBalancer', 50, 'lb has')).toBeUndefined();
  });
});

describe('names', () => {
  it.each([
    ['target group', 'fargate-prod-payments-api-tg-blue', 'is 33 characters; AWS allows at most 32'],
    [
      'target group',
      '-fargate',
      'must be letters, digits and hyphens, not beginning or ending with a hyphen',
    ],
    ['load balancer', 'internal-fargate', 'may not begin with "internal-"'],
    ['load balancer', 'fargate_prod', 'must be letters, digits and hyphens'],
  ] as const)('refuses the %s name %s', (kind, name, expected) => {
    expect(elbNameProblem(kind, name)).toContain(expected);
  });

  it.each([
    ['target group', 'fargate-prod-payments-api-tg-blu'],
    ['load balancer', 'fargate-prod-us-east-1'],
    ['load balancer', 'a'],
  ] as const)('accepts the %s name %s', (kind, name) => {
    expect(elbNameProblem(kind, name)).toBeUndefined();
  });
});
