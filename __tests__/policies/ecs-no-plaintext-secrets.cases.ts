import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { ecsNoPlaintextSecrets } from '../../policies/rules/ecs-no-plaintext-secrets';
import { ruleResults } from '../../test-support/policy';

const task = (environment: { name: string; value: string }[], extra: Record<string, unknown> = {}) =>
  JSON.stringify([{ name: 'app', image: 'nginx:1.27', environment, ...extra }]);

describe('rule ecs-no-plaintext-secrets', () => {
  it('passes ordinary settings, settings about secrets and secrets passed under secrets', () => {
    // GIVEN the project's variables, names that only mention a secret word, and a proper secret reference
    const results = ruleResults(ecsNoPlaintextSecrets, (scope, provider) => {
      new EcsTaskDefinition(scope, 'Ordinary', {
        provider,
        family: 'ordinary',
        containerDefinitions: task(
          [
            { name: 'S3_BUCKET', value: 'fargate-dev-data' },
            { name: 'AWS_REGION', value: 'us-east-1' },
            { name: 'TOKENIZER_MODE', value: 'fast' },
            { name: 'TOKEN_TTL_SECONDS', value: '3600' },
            {
              name: 'DB_PASSWORD_SECRET_ARN',
              value: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db',
            },
            { name: 'GIT_SHA', value: 'da39a3ee5e6b4b0d3255bfef95601890afd80709' },
            { name: 'DB_PASSWORD', value: '' },
          ],
          {
            secrets: [{ name: 'API_KEY', valueFrom: 'arn:aws:ssm:us-east-1:123456789012:parameter/api-key' }],
          },
        ),
      });
    });
    // WHEN checked THEN compliant
    expect(results).toEqual({ Ordinary: 'compliant' });
  });

  it.each([
    ['DB_PASSWORD', 'hunter2'],
    ['dbPassword', 'hunter2'],
    ['GITHUB_TOKEN', 'ghp_x'],
    ['apiKey', 'k'],
    ['STRIPE_API_KEY', 'k'],
    ['TLS_PRIVATE_KEY', '-----BEGIN PRIVATE KEY-----'],
    ['AWS_ACCESS_KEY_ID', 'x'],
    ['AWS_SECRET_ACCESS_KEY', 'x'],
    ['CLIENT_SECRET', 'x'],
    ['SMTP_PASSWD', 'x'],
    ['GOOGLE_CREDENTIALS', '{}'],
    ['ECS_ENGINE_AUTH_DATA', '{}'],
    ['KEY', 'AKIAIOSFODNN7EXAMPLE'],
    ['SIGNING', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
  ])('fails %s in plain environment', (name, value) => {
    // GIVEN a sidecar passing the variable in plain environment
    const results = ruleResults(ecsNoPlaintextSecrets, (scope, provider) => {
      new EcsTaskDefinition(scope, 'Plaintext', {
        provider,
        family: 'plaintext',
        containerDefinitions: JSON.stringify([
          { name: 'app', image: 'nginx:1.27', environment: [{ name: 'S3_BUCKET', value: 'b' }] },
          { name: 'sidecar', image: 'nginx:1.27', environment: [{ name, value }] },
        ]),
      });
    });
    // WHEN checked THEN non-compliant
    expect(results).toEqual({ Plaintext: 'non-compliant' });
  });

  it('fails a task definition whose containers it cannot read', () => {
    // GIVEN container definitions from a variable
    const results = ruleResults(ecsNoPlaintextSecrets, (scope, provider) => {
      new EcsTaskDefinition(scope, 'FromVariable', {
        provider,
        family: 'from-variable',
        containerDefinitions: '${var.containers}',
      });
    });
    // WHEN checked THEN non-compliant
    expect(results).toEqual({ FromVariable: 'non-compliant' });
  });
});
