import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Testing, TerraformStack } from 'cdktf';
import { buildStacks } from '../stacks/app';
import { REQUIRED_TERRAFORM_VERSION } from '../stacks/terraform-version';
import { testSettings } from '../test-support/synth';

describe('the Terraform version every stack requires', () => {
  it('is written into every kind of stack: the foundation, a service stack and the seed’s example', () => {
    // GIVEN an environment with a stack per service and the seed's example asked for
    const app = Testing.app();
    buildStacks(
      app,
      testSettings({
        accountId: '123456789012',
        stackLayout: 'stack-per-service',
        examples: { simpleFargate: true },
      }),
      () => undefined,
    );
    const stacks = app.node.children.filter(
      (child): child is TerraformStack => child instanceof TerraformStack,
    );
    // WHEN each is synthesized THEN each requires the same Terraform
    expect(stacks.map((stack) => stack.node.id).sort()).toEqual([
      'fargate-test',
      'fargate-test-simple',
      'fargate-test-svc-app',
    ]);
    for (const stack of stacks) {
      const terraform = (JSON.parse(Testing.synth(stack)) as { terraform: Record<string, unknown> })
        .terraform;
      expect(`${stack.node.id}: ${String(terraform.required_version)}`).toBe(
        `${stack.node.id}: ${REQUIRED_TERRAFORM_VERSION}`,
      );
    }
  });

  it('is the one the README’s quick start asks for', () => {
    const readme = readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
    const minimum = /^>= (\d+\.\d+)$/.exec(REQUIRED_TERRAFORM_VERSION)?.[1];
    expect(minimum).toBeDefined();
    expect(readme).toContain(`Terraform ≥ ${minimum} on the \`PATH\``);
  });
});
