/**
 * The offline plan of an App whose service stack reads the foundation stack (cdktf cross-stack
 * references), with Terraform and the AWS provider: both stacks plan side by side, the service's
 * remote state reads the empty scratch state (the configured S3 backend, which would need
 * credentials and network, is never read) and the AWS provider accepts the placeholders where it
 * validates ARNs and ids. A changed producer changes the consumer's plan inputs. And the emulator
 * override makes the remote state read a given state file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { emulatorRemoteStateOverride } from '../tools/emulator/override';
import {
  OVERRIDE_FILE,
  OfflinePlan,
  PlanOutput,
  PlanStep,
  planOffline,
  prepareOfflineCopy,
  terraformAsync,
  terraformEnv,
} from '../tools/terraform/offline';
import {
  OFFLINE_REMOTE_STATE_FILE,
  placeholderOutputs,
  remoteStateReads,
} from '../tools/terraform/remote-state';
import { CLI_CONFIG_FILE } from '../test-support/environment';
import { FOUNDATION, SERVICE, TwoStackApp, synthTwoStackApp } from '../test-support/two-stack-app';

const INPUT = `data.terraform_remote_state.cross-stack-reference-input-${FOUNDATION}`;
const S3 = {
  type: 's3' as const,
  bucket: 'tiny-state',
  keyPrefix: 'tiny',
  region: 'us-east-1' as const,
  locking: 'lockfile' as const,
};

type Values = Record<string, unknown>;
const after = (plan: PlanOutput, address: string) =>
  plan.resource_changes.find((change) => change.address === address)?.change.after as Values;
/** The remote state as Terraform read it during the plan. */
const remoteStateRead = (plan: PlanOutput) =>
  (
    plan as unknown as {
      prior_state: { values: { root_module: { resources: Array<{ address: string; values: Values }> } } };
    }
  ).prior_state.values.root_module.resources.find((r) => r.address === INPUT)?.values;

let app: TwoStackApp;
let defaults: Record<string, unknown>;
const workDir = (stack: string) => path.join(os.tmpdir(), 'offline', stack);
const steps: PlanStep[] = [];
const plan = (built: TwoStackApp, stack: string): Promise<OfflinePlan> =>
  planOffline({
    stack,
    stackDir: built.stackDirs[stack],
    workDir: workDir(stack),
    cliConfigFile: CLI_CONFIG_FILE,
    onStep: (step) => steps.push(step),
  });
let foundation: OfflinePlan;
let service: OfflinePlan;

beforeAll(async () => {
  // GIVEN the two-stack App on the S3 backend WHEN both stacks plan offline side by side
  app = synthTwoStackApp({ backend: S3 });
  defaults = placeholderOutputs(
    FOUNDATION,
    app.stacks[FOUNDATION],
    remoteStateReads(app.stacks[SERVICE])[0].outputs,
  );
  [foundation, service] = await Promise.all([plan(app, FOUNDATION), plan(app, SERVICE)]);
});

describe('offline plan of a foundation and a service stack reading it', () => {
  it("plans every resource of both stacks, the service's with the placeholders", () => {
    const created = (p: PlanOutput) =>
      p.resource_changes.filter((c) => c.mode === 'managed' && c.change.actions.join() === 'create').length;
    expect(created(foundation.plan)).toBe(10);
    expect(created(service.plan)).toBe(11);
    const listenerRule = after(service.plan, 'aws_lb_listener_rule.ListenerRule');
    expect(Object.values(defaults)).toContain(listenerRule.listener_arn);
    expect(listenerRule.listener_arn).toMatch(
      /^arn:aws:elasticloadbalancing:us-east-1:123456789012:listener\/app\/tiny-dev-alb\//,
    );
    expect(after(service.plan, 'aws_security_group.ServiceSecurityGroup').vpc_id).toMatch(
      /^vpc-[0-9a-f]{17}$/,
    );
    expect(after(service.plan, 'aws_efs_access_point.AccessPoint').file_system_id).toMatch(
      /^fs-[0-9a-f]{17}$/,
    );
    expect(after(service.plan, 'aws_cloudwatch_log_group.LogGroupEu').kms_key_id).toMatch(
      /^arn:aws:kms:eu-west-1:/,
    );
    expect(after(service.plan, 'aws_cloudwatch_metric_alarm.Unhealthy').dimensions).toEqual({
      LoadBalancer: expect.stringMatching(/^app\/tiny-dev-alb\/[0-9a-f]{16}$/),
    });
  });

  it('reads the empty scratch state, never the configured S3 state', () => {
    expect(remoteStateRead(service.plan)).toMatchObject({
      backend: 'local',
      config: { path: path.join(workDir(SERVICE), OFFLINE_REMOTE_STATE_FILE) },
      workspace: 'default',
    });
    expect(JSON.stringify(remoteStateRead(service.plan))).not.toContain('tiny-state');
  });

  it("reuses the saved plan while nothing changed, and plans again when the producer's outputs change", async () => {
    // GIVEN nothing changed WHEN the service plans again THEN the saved plan holds
    steps.length = 0;
    await plan(app, SERVICE);
    expect(steps.find((s) => s.step === 'plan')?.reused).toBe(true);
    // GIVEN the load balancer renamed in the foundation WHEN the service plans again
    steps.length = 0;
    const renamed = synthTwoStackApp({ backend: S3, loadBalancerName: 'tiny-dev-edge' });
    const again = await plan(renamed, SERVICE);
    // THEN it is planned afresh (init reused), with the new placeholder
    expect(steps.map((s) => [s.step, Boolean(s.reused)])).toEqual([
      ['init', true],
      ['plan', false],
      ['show', false],
    ]);
    expect(after(again.plan, 'aws_lb_listener_rule.ListenerRule').listener_arn).toContain(
      'listener/app/tiny-dev-edge/',
    );
  });
});

describe('the emulator override of the same service', () => {
  it("reads the producer's state file it is given", async () => {
    // GIVEN a producer state holding the outputs the service reads, and the service's scratch copy
    const work = path.join(os.tmpdir(), 'emulator-consumer');
    prepareOfflineCopy(app.stackDirs[SERVICE], work);
    const stateFile = path.join(os.tmpdir(), 'producer.tfstate');
    const outputs = Object.fromEntries(
      Object.entries(defaults).map(([name, value]) => [
        name,
        { value, type: Array.isArray(value) ? ['list', 'string'] : 'string', sensitive: true },
      ]),
    );
    const vpc = Object.keys(defaults).find((name) => name.endsWith('aws_vpcVpcid')) as string;
    outputs[vpc].value = 'vpc-0123456789abcdef0';
    writeFileSync(
      stateFile,
      JSON.stringify({
        version: 4,
        terraform_version: '1.11.4',
        serial: 1,
        lineage: 'emulator',
        outputs,
        resources: [],
      }),
    );
    // WHEN its remote state is pointed at that file (mock credentials kept) and it plans
    const override = JSON.parse(readFileSync(path.join(work, OVERRIDE_FILE), 'utf8')) as Values;
    writeFileSync(
      path.join(work, OVERRIDE_FILE),
      JSON.stringify({
        ...override,
        ...emulatorRemoteStateOverride(app.stacks[SERVICE], { [FOUNDATION]: stateFile }),
      }),
    );
    const env = terraformEnv(CLI_CONFIG_FILE);
    expect((await terraformAsync(['init', '-input=false', '-no-color'], work, env)).code).toBe(0);
    const planned = await terraformAsync(['plan', '-input=false', '-no-color', '-lock=false'], work, env);
    // THEN the service is built on the state's values (the plan's text is enough: no `show`)
    expect(planned.stderr).toBe('');
    expect(planned.stdout).toMatch(/^ +\+ vpc_id += "vpc-0123456789abcdef0"$/m);
    expect(planned.stdout).toMatch(/^Plan: 11 to add, 0 to change, 0 to destroy\.$/m);
  });
});
