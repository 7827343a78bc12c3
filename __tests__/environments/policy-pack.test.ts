import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Aspects, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { POLICY_PACK } from '../../policies/pack';
import { PolicyPack, PolicyViolationError, evaluatePolicies } from '../../policies/policy-pack';
import { SynthesizedStack } from '../../policies/stack-view';
import { suppressPolicy } from '../../policies/suppressions';
import { run } from '../../stacks/app';
import { PlatformStack } from '../../stacks/platform-stack';
import { synthEnvironment } from '../../test-support/environment';
import { configWithExample } from '../../test-support/example-config';
import { testSettings } from '../../test-support/synth';

/**
 * A platform stack checked by the pack (tier development), with an unencrypted topic in us-east-1
 * unless `plainTopic` is false.
 */
function checkedPlatform(app: App, plainTopic = true): PlatformStack {
  const stack = new PlatformStack(app, 'fargate-test', {
    settings: testSettings({ accountId: '123456789012' }),
  });
  if (plainTopic) {
    const region = stack.regions.get('us-east-1') as Construct;
    new SnsTopic(region, 'Plain', { provider: stack.providers.get('us-east-1'), name: 'plain' });
  }
  new PolicyPack({ context: { environment: 'test', tier: 'development' }, report: () => undefined }).applyTo(
    stack,
  );
  return stack;
}

describe('the policy pack', () => {
  it('maps every rule to a control, a severity, a title and a fix, with unique IDs', () => {
    expect(POLICY_PACK.length).toBeGreaterThanOrEqual(40);
    expect(new Set(POLICY_PACK.map((rule) => rule.id)).size).toBe(POLICY_PACK.length);
    for (const rule of POLICY_PACK) {
      expect(rule.control).toMatch(/^([A-Za-z0-9]+\.\d+|NIST [A-Z]{2}-\d+(\(\d+\))?)$/);
      expect(['critical', 'high', 'medium', 'low']).toContain(rule.severity);
      expect(rule.title.length).toBeGreaterThan(10);
      expect(rule.fix.length).toBeGreaterThan(10);
      expect(rule.appliesTo.length).toBeGreaterThan(0);
    }
  });

  it('has a test file with compliant and non-compliant cases for every rule', () => {
    for (const rule of POLICY_PACK) {
      const file = path.join(__dirname, '..', 'policies', `${rule.id}.cases.ts`);
      const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
      // each case file asserts results maps holding both outcomes
      expect(`${rule.id}: ${/'compliant'/.test(text)} ${/'non-compliant'/.test(text)}`).toBe(
        `${rule.id}: true true`,
      );
    }
  });

  // dev: the app's own synth below fails on any violation and lists every suppression.
  it.each(['prod'])('finds no violation and needs no suppression in the %s platform stack', (environment) => {
    // GIVEN the synthesized environment WHEN the pack evaluates the platform stack THEN
    const { stacks } = synthEnvironment(environment);
    const platform = evaluatePolicies(stacks[`fargate-${environment}`] as SynthesizedStack, {
      environment,
      tier: 'production',
    });
    expect(platform.violations).toEqual([]);
    expect(platform.suppressed).toEqual([]);
  });

  it('fails synthesis on a violation, naming the construct path, the control and the fix', () => {
    // GIVEN a platform stack with an unencrypted topic added in a region
    const stack = checkedPlatform(Testing.app());
    // WHEN synthesized THEN
    let error: unknown;
    try {
      Testing.fullSynth(stack);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PolicyViolationError);
    expect(() => {
      throw error;
    }).toThrow(
      /\[SNS\.1 medium\] sns-encrypted at fargate-test\/us-east-1\/Plain \(aws_sns_topic\.us-east-1_Plain_[0-9A-F]+\): SNS topics should be encrypted with KMS\. Fix: set kms_master_key_id/,
    );
  });

  it('removes the configuration that broke a rule from the output folder, so no plan picks it up', () => {
    // GIVEN an output folder holding an earlier, compliant synthesis of the stack
    const outdir = path.join(mkdtempSync(path.join(os.tmpdir(), 'policy-')), 'out');
    const build = (plainTopic: boolean) => checkedPlatform(new App({ outdir }), plainTopic).node.root as App;
    const file = path.join(outdir, 'stacks', 'fargate-test', 'cdk.tf.json');
    try {
      build(false).synth();
      expect(existsSync(file)).toBe(true);
      // WHEN a synthesis with an unencrypted topic runs into the same folder
      // THEN it fails, and the stack's configuration is gone rather than left half-checked
      expect(() => build(true).synth()).toThrow(PolicyViolationError);
      expect(existsSync(file)).toBe(false);
    } finally {
      rmSync(path.dirname(outdir), { recursive: true, force: true });
    }
  });

  it('checks what every aspect wrote, including the aspects of a stack’s children', () => {
    // GIVEN an encrypted topic, and an aspect on the topic itself that takes its key away (cdktf
    // visits a stack's own aspects before its children's: a check made as one of the stack's
    // aspects would still have seen the key)
    const stack = new PlatformStack(Testing.app(), 'fargate-test', {
      settings: testSettings({ accountId: '123456789012' }),
    });
    const region = stack.regions.get('us-east-1') as Construct;
    const topic = new SnsTopic(region, 'Keyed', {
      provider: stack.providers.get('us-east-1'),
      name: 'keyed',
      kmsMasterKeyId: 'alias/aws/sns',
    });
    Aspects.of(topic).add({
      visit: (node) => {
        if (node instanceof SnsTopic) node.resetKmsMasterKeyId();
      },
    });
    new PolicyPack({
      context: { environment: 'test', tier: 'development' },
      report: () => undefined,
    }).applyTo(stack);
    // WHEN synthesized THEN the written configuration, without the key, is refused
    expect(() => Testing.fullSynth(stack)).toThrow(/sns-encrypted at fargate-test\/us-east-1\/Keyed/);
  });

  it('accepts a suppressed finding and reports it with its reason', () => {
    // GIVEN the same violation, suppressed on the region
    const stack = new PlatformStack(Testing.app(), 'fargate-test', {
      settings: testSettings({ accountId: '123456789012' }),
    });
    const region = stack.regions.get('us-east-1') as Construct;
    new SnsTopic(region, 'Plain', { provider: stack.providers.get('us-east-1'), name: 'plain' });
    suppressPolicy(region, 'sns-encrypted', 'test fixture: a topic that never carries data');
    const lines: string[] = [];
    new PolicyPack({
      context: { environment: 'test', tier: 'development' },
      report: (line) => lines.push(line),
    }).applyTo(stack);
    // WHEN synthesized THEN no error, one line
    expect(() => Testing.fullSynth(stack)).not.toThrow();
    expect(lines).toEqual([
      'policy: suppressed sns-encrypted [SNS.1] at fargate-test/us-east-1/Plain (suppressed on fargate-test/us-east-1): test fixture: a topic that never carries data',
    ]);
  });

  it('refuses a suppression without a real reason', () => {
    const stack = new PlatformStack(Testing.app(), 'fargate-test', { settings: testSettings() });
    expect(() => suppressPolicy(stack, 'sns-encrypted', 'because')).toThrow(
      'suppressPolicy: the reason for suppressing sns-encrypted at fargate-test is "because"; write why the finding is acceptable (at least 20 characters)',
    );
  });

  it('synthesizes dev with no suppressed finding: the platform needs none, and the seed’s example is not built', () => {
    // GIVEN the app WHEN it synthesizes dev as shipped
    const lines: string[] = [];
    const outdir = path.join(mkdtempSync(path.join(os.tmpdir(), 'policy-')), 'out');
    const code = run({
      env: {},
      projectRoot: path.resolve(__dirname, '../..'),
      outdir,
      stderr: (l) => lines.push(l),
    });
    // THEN it succeeds with the platform stack only, and accepts no finding
    expect(code).toBe(0);
    expect(readdirSync(path.join(outdir, 'stacks'))).toEqual(['fargate-dev']);
    expect(lines.filter((line) => line.startsWith('policy:'))).toEqual([]);
  });

  it('lists the seed example’s suppressions, with their reasons, in the output of every synth that builds it', () => {
    // GIVEN dev's settings asking for the seed's example (examples.simpleFargate)
    const configDir = configWithExample('dev');
    // WHEN the app synthesizes it
    const lines: string[] = [];
    const outdir = path.join(mkdtempSync(path.join(os.tmpdir(), 'policy-')), 'out');
    let code: number;
    try {
      code = run({
        env: { PLATFORM_ENV: 'dev', PLATFORM_CONFIG_DIR: configDir },
        projectRoot: path.resolve(__dirname, '../..'),
        outdir,
        stderr: (l) => lines.push(l),
      });
    } finally {
      rmSync(configDir, { recursive: true, force: true });
    }
    // THEN it succeeds and names each deliberate finding of the seed's example and why it is accepted
    expect(code).toBe(0);
    const suppressed = lines.filter((line) => line.startsWith('policy: suppressed'));
    expect(suppressed.map((line) => line.split(' ')[2]).sort()).toEqual([
      'ecs-non-root-user',
      'ecs-readonly-root-filesystem',
      'ecs-service-no-public-ip',
      'vpc-flow-logs',
      'vpc-no-world-egress',
      'vpc-no-world-ingress',
    ]);
    // (none for the platform stack: every suppression is in the seed's example)
    for (const line of suppressed) expect(line).toMatch(/at fargate-dev-simple\/\S+: .{20,}/);
  });
});
