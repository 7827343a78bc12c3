/**
 * A stack that reads another stack of the same App (cdktf's automatic cross-stack references) is
 * planned offline and applied to the emulator from outside: overrides in scratch copies point its
 * `terraform_remote_state` at an empty local state with placeholder defaults (offline) or at the
 * producer's emulator state. Checked on what cdktf 0.21 really synthesizes for a two-stack App.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { applyCycle } from '../tools/emulator/apply-cycle';
import { Moto } from '../tools/emulator/moto';
import { emulatorRemoteStateOverride, serviceOf, unmappedTypes } from '../tools/emulator/override';
import { OVERRIDE_FILE, offlineOverride, prepareOfflineCopy } from '../tools/terraform/offline';
import { dnsSafe, parseReference, placeholderFor } from '../tools/terraform/placeholders';
import {
  EMPTY_STATE,
  OFFLINE_REMOTE_STATE_FILE,
  placeholderOutputs,
  remoteStateReads,
  remoteStateSummary,
} from '../tools/terraform/remote-state';
import { FOUNDATION, SERVICE, TwoStackApp, synthTwoStackApp } from '../test-support/two-stack-app';

type Json = Record<string, unknown>;
const INPUT = `cross-stack-reference-input-${FOUNDATION}`;

let app: TwoStackApp;
let producer: Json;
let consumer: Json;
/** The producer output whose value is `${<address>.<attribute>}`. */
let outputOf: (expression: string) => string;
/** The offline placeholder of each output the consumer reads. */
let defaults: Record<string, unknown>;
/** The placeholder for the producer's `${<expression>}`. */
const placeholder = (expression: string) => defaults[outputOf(expression)];

beforeAll(() => {
  app = synthTwoStackApp();
  producer = app.stacks[FOUNDATION] as Json;
  consumer = app.stacks[SERVICE] as Json;
  const outputs = producer.output as Record<string, { value: string }>;
  outputOf = (expression) => {
    const name = Object.keys(outputs).find((key) => outputs[key].value === `\${${expression}}`);
    if (!name) throw new Error(`no output of ${FOUNDATION} is \${${expression}}`);
    return name;
  };
  const reads = remoteStateReads(consumer, SERVICE);
  defaults = placeholderOutputs(FOUNDATION, producer, reads[0].outputs);
});

describe('what cdktf synthesizes for a cross-stack reference', () => {
  it('gives the consumer one remote state named after the producer, reading its outputs', () => {
    // GIVEN the two-stack App WHEN the consumer's reads are listed
    const reads = remoteStateReads(consumer, SERVICE);
    // THEN one remote state, for the foundation, reading sensitive outputs of it
    expect(reads.map((read) => [read.dataName, read.producer])).toEqual([[INPUT, FOUNDATION]]);
    const outputs = producer.output as Record<string, { value: string; sensitive: boolean }>;
    expect(reads[0].outputs.length).toBe(10);
    for (const name of reads[0].outputs) {
      expect(name).toMatch(/^cross-stack-output-/);
      expect(outputs[name]).toEqual({
        value: expect.stringMatching(/^\$\{aws_[a-z_]+\.[\w-]+\.\w+\}$/),
        sensitive: true,
      });
    }
    // AND its config is the producer's backend: the real state
    expect((consumer.data as Record<string, Record<string, Json>>).terraform_remote_state[INPUT]).toEqual({
      backend: 'local',
      config: { path: `../../../terraform.tfstate.d/${FOUNDATION}.tfstate` },
      workspace: '${terraform.workspace}',
    });
  });

  it('is what the offline plan says of the consumer, and nothing of the producer', () => {
    expect(remoteStateSummary(SERVICE, consumer)).toBe(
      `${SERVICE} reads ${FOUNDATION}: 10 outputs as placeholders derived from their synthesized outputs, no state read`,
    );
    expect(remoteStateSummary(FOUNDATION, producer)).toBeUndefined();
  });

  it('keeps hyphens of the resource name in the output name (no further sanitizing)', () => {
    expect(outputOf('aws_subnet.Private-a.id')).toBe('cross-stack-output-aws_subnetPrivate-aid');
    expect(parseReference('${aws_subnet.Private-a.id}')).toEqual({
      mode: 'resource',
      type: 'aws_subnet',
      name: 'Private-a',
      path: ['id'],
    });
    expect(parseReference('${data.aws_lb.Lb.access_logs[0].bucket}')).toEqual({
      mode: 'data',
      type: 'aws_lb',
      name: 'Lb',
      path: ['access_logs', '0', 'bucket'],
    });
    expect(parseReference('${join(",", aws_subnet.a.id)}')).toBeUndefined();
  });
});

describe('offlineOverride of a consumer stack', () => {
  it('points every remote state at an empty local state with a default for every output read', () => {
    // GIVEN the producer's JSON WHEN the consumer's offline override is made
    const override = offlineOverride(consumer, '/scratch/offline.tfstate', {
      producers: { [FOUNDATION]: producer },
      emptyStatePath: '/scratch/offline-remote-state.tfstate',
      stack: SERVICE,
    }) as { data: { terraform_remote_state: Record<string, Json> }; provider: { aws: Json[] } };
    // THEN the remote state reads the scratch file in the default workspace, never the real state
    const remote = override.data.terraform_remote_state;
    expect(Object.keys(remote)).toEqual([INPUT]);
    expect(remote[INPUT]).toEqual({
      backend: 'local',
      config: { path: '/scratch/offline-remote-state.tfstate' },
      workspace: 'default',
      defaults,
    });
    expect(Object.keys(defaults).sort()).toEqual(remoteStateReads(consumer)[0].outputs);
    // AND the mock credentials are still there, for both providers
    expect(override.provider.aws.map((p) => [p.alias, p.access_key])).toEqual([
      ['us_east_1', 'mock-access-key'],
      ['eu_west_1', 'mock-access-key'],
    ]);
  });

  it('replaces an S3 producer backend just the same (the whole config, not merged)', () => {
    // GIVEN the App on the S3 backend
    const s3 = synthTwoStackApp({
      backend: {
        type: 's3',
        bucket: 'tiny-state',
        keyPrefix: 'tiny',
        region: 'us-east-1',
        locking: 'lockfile',
      },
    });
    const s3Consumer = s3.stacks[SERVICE] as Json;
    expect(
      (s3Consumer.data as Record<string, Record<string, Json>>).terraform_remote_state[INPUT],
    ).toMatchObject({
      backend: 's3',
      config: { bucket: 'tiny-state', key: `tiny/${FOUNDATION}.tfstate` },
    });
    // WHEN its offline override is made
    const override = offlineOverride(s3Consumer, '/s/offline.tfstate', {
      producers: { [FOUNDATION]: s3.stacks[FOUNDATION] },
      emptyStatePath: '/s/empty.tfstate',
    }) as { data: { terraform_remote_state: Record<string, Json> } };
    // THEN the data source's backend and config are the scratch ones, with the same placeholders
    expect(override.data.terraform_remote_state[INPUT]).toEqual({
      backend: 'local',
      config: { path: '/s/empty.tfstate' },
      workspace: 'default',
      defaults,
    });
  });

  it('replaces a Terraform Cloud producer (a `remote` backend naming the workspace)', () => {
    const cloud = synthTwoStackApp({
      backend: { type: 'cloud', organization: 'tiny-org', hostname: 'app.terraform.io' },
    });
    const cloudConsumer = cloud.stacks[SERVICE] as Json;
    expect(
      (cloudConsumer.data as Record<string, Record<string, Json>>).terraform_remote_state[INPUT],
    ).toMatchObject({
      backend: 'remote',
      config: { organization: 'tiny-org', workspaces: { name: FOUNDATION } },
    });
    const override = offlineOverride(cloudConsumer, '/c/offline.tfstate', {
      producers: { [FOUNDATION]: cloud.stacks[FOUNDATION] },
      emptyStatePath: '/c/empty.tfstate',
    }) as { data: { terraform_remote_state: Record<string, Json> } };
    expect(override.data.terraform_remote_state[INPUT]).toEqual({
      backend: 'local',
      config: { path: '/c/empty.tfstate' },
      workspace: 'default',
      defaults,
    });
  });

  it('refuses a consumer whose producers were not given, naming the stack read', () => {
    expect(() => offlineOverride(consumer, '/s/offline.tfstate')).toThrow(
      `the stack reads stack ${FOUNDATION} (data.terraform_remote_state.${INPUT}), whose synthesized configuration was not given; the offline plan never reads a real state`,
    );
  });

  it('refuses a remote state that no cross-stack reference made', () => {
    const handMade = { data: { terraform_remote_state: { network: { backend: 's3' } } } };
    expect(() =>
      offlineOverride(handMade, '/s/offline.tfstate', { producers: {}, emptyStatePath: '/e', stack: 'x' }),
    ).toThrow(
      'x: data.terraform_remote_state.network is not a cdktf cross-stack reference (its name does not start with "cross-stack-reference-input-")',
    );
  });

  it('refuses an output the producer does not have, or one that is not a single reference', () => {
    expect(() => placeholderOutputs(FOUNDATION, producer, ['cross-stack-output-gone'])).toThrow(
      `stack ${FOUNDATION} has no output "cross-stack-output-gone"`,
    );
    const odd = { output: { x: { value: '${join(",", aws_subnet.a.*.id)}' } } };
    expect(() => placeholderOutputs('p', odd, ['x'])).toThrow(
      'output "x" of stack p is "${join(\\",\\", aws_subnet.a.*.id)}", not a single attribute reference',
    );
  });

  it('adds nothing for a stack that reads no other stack', () => {
    const override = offlineOverride(producer, '/s/offline.tfstate') as Json;
    expect(Object.keys(override).sort()).toEqual(['provider', 'terraform']);
  });
});

describe('offline placeholders', () => {
  const HEX = '[0-9a-f]';
  const ACCOUNT = '123456789012';

  it('ids carry the AWS prefix of their type, in hex digits', () => {
    expect(placeholder('aws_vpc.Vpc.id')).toMatch(new RegExp(`^vpc-${HEX}{17}$`));
    expect(placeholder('aws_subnet.Private-a.id')).toMatch(new RegExp(`^subnet-${HEX}{17}$`));
    expect(placeholder('aws_subnet.Private-b.id')).not.toBe(placeholder('aws_subnet.Private-a.id'));
    expect(placeholder('aws_security_group.LbSecurityGroup.id')).toMatch(new RegExp(`^sg-${HEX}{17}$`));
    expect(placeholder('aws_efs_file_system.FileSystem.id')).toMatch(new RegExp(`^fs-${HEX}{17}$`));
  });

  it('ARNs are valid ARNs of the type, in the region of the resource provider', () => {
    expect(placeholder('aws_ecs_cluster.Cluster.arn')).toBe(
      `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/tiny-dev`,
    );
    const uuid = `${HEX}{8}-${HEX}{4}-4${HEX}{3}-8${HEX}{3}-${HEX}{12}`;
    expect(placeholder('aws_kms_key.LogKey.arn')).toMatch(
      new RegExp(`^arn:aws:kms:us-east-1:${ACCOUNT}:key/${uuid}$`),
    );
    expect(placeholder('aws_kms_key.LogKeyEu.arn')).toMatch(
      new RegExp(`^arn:aws:kms:eu-west-1:${ACCOUNT}:key/${uuid}$`),
    );
  });

  it('the listener ARN sits under its load balancer, whose arn_suffix has the shape ELB uses', () => {
    const suffix = placeholder('aws_lb.Lb.arn_suffix') as string;
    expect(suffix).toMatch(new RegExp(`^app/tiny-dev-alb/${HEX}{16}$`));
    expect(placeholder('aws_lb_listener.Listener.arn')).toMatch(
      new RegExp(`^arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:listener/${suffix}/${HEX}{16}$`),
    );
    const lb = { mode: 'resource' as const, type: 'aws_lb', name: 'Lb' };
    expect(placeholderFor(FOUNDATION, producer, { ...lb, path: ['arn'] })).toBe(
      `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:loadbalancer/${suffix}`,
    );
  });

  it('more types and attributes, from the one table', () => {
    const of = (type: string, attribute: string, block: Json = {}) =>
      placeholderFor(
        'p',
        { provider: { aws: [{ region: 'eu-central-1' }] }, resource: { [type]: { R: block } } },
        { mode: 'resource', type, name: 'R', path: [attribute] },
      );
    expect(of('aws_lb_target_group', 'arn_suffix', { name: 'web' })).toMatch(
      new RegExp(`^targetgroup/web/${HEX}{16}$`),
    );
    expect(of('aws_lb_target_group', 'arn', { name: 'web' })).toMatch(
      new RegExp(`^arn:aws:elasticloadbalancing:eu-central-1:${ACCOUNT}:targetgroup/web/${HEX}{16}$`),
    );
    expect(of('aws_efs_access_point', 'id')).toMatch(new RegExp(`^fsap-${HEX}{17}$`));
    expect(of('aws_s3_bucket', 'bucket', { bucket: 'tiny-data' })).toBe('tiny-data');
    expect(of('aws_s3_bucket', 'arn', { bucket: 'tiny-data' })).toBe('arn:aws:s3:::tiny-data');
    expect(of('aws_s3_bucket', 'bucket')).toBe('r');
    expect(of('aws_iam_role', 'arn', { name: 'task' })).toBe(`arn:aws:iam::${ACCOUNT}:role/task`);
    expect(of('aws_ecr_repository', 'repository_url', { name: 'tiny/dev/web' })).toBe(
      `${ACCOUNT}.dkr.ecr.eu-central-1.amazonaws.com/tiny/dev/web`,
    );
    expect(of('aws_lb', 'dns_name', { name: 'alb' })).toMatch(/^alb-\d+\.eu-central-1\.elb\.amazonaws\.com$/);
    expect(of('aws_lb', 'zone_id')).toMatch(/^Z[0-9A-F]{13}$/);
    expect(of('aws_lb', 'security_groups')).toEqual([
      expect.stringMatching(/^sg-/),
      expect.stringMatching(/^sg-/),
    ]);
    expect(of('aws_lb', 'subnets')).toEqual([
      expect.stringMatching(/^subnet-/),
      expect.stringMatching(/^subnet-/),
    ]);
    expect(of('aws_vpc', 'cidr_block', { cidr_block: '10.9.0.0/16' })).toBe('10.9.0.0/16');
    expect(of('aws_sns_topic', 'id', { name: 'alarms' })).toBe(`arn:aws:sns:eu-central-1:${ACCOUNT}:alarms`);
    expect(of('aws_ecs_task_definition', 'arn', { family: 'web' })).toBe(
      `arn:aws:ecs:eu-central-1:${ACCOUNT}:task-definition/web:1`,
    );
    expect(of('aws_service_discovery_private_dns_namespace', 'id')).toMatch(new RegExp(`^ns-${HEX}{17}$`));
    expect(of('aws_cloudwatch_log_group', 'name', { name: '/ecs/web' })).toBe('/ecs/web');
    expect(of('aws_efs_file_system', 'kms_key_id')).toMatch(/^arn:aws:kms:eu-central-1:/);
    // a type the table does not list: a generic ARN, its name as id, a DNS-safe string otherwise
    expect(of('aws_example_thing', 'arn')).toBe(`arn:aws:example:eu-central-1:${ACCOUNT}:thing/r`);
    expect(of('aws_example_thing', 'colour')).toBe('r-colour');
    expect(dnsSafe('us-east-1_Network_Vpc_B071EF0B')).toBe('us-east-1-network-vpc-b071ef0b');
  });

  it('are deterministic, and follow the producer: a renamed load balancer changes them', () => {
    // GIVEN the same App synthesized again, and once with another load balancer name
    const again = synthTwoStackApp();
    const renamed = synthTwoStackApp({ loadBalancerName: 'tiny-dev-edge' });
    const defaultsOf = (built: TwoStackApp) =>
      placeholderOutputs(
        FOUNDATION,
        built.stacks[FOUNDATION],
        remoteStateReads(built.stacks[SERVICE])[0].outputs,
      );
    // THEN the same App gives the same placeholders; the rename changes the ones under the LB
    expect(defaultsOf(again)).toEqual(defaults);
    const changed = defaultsOf(renamed);
    expect(changed[outputOf('aws_lb.Lb.arn_suffix')]).toMatch(/^app\/tiny-dev-edge\//);
    expect(changed[outputOf('aws_lb_listener.Listener.arn')]).toContain('/app/tiny-dev-edge/');
    expect(changed[outputOf('aws_vpc.Vpc.id')]).toBe(placeholder('aws_vpc.Vpc.id'));
  });
});

describe('prepareOfflineCopy of a consumer', () => {
  it('writes the empty state and an override with placeholders into the scratch copy only', () => {
    // GIVEN the synthesized consumer WHEN its scratch copy is prepared
    const work = path.join(os.tmpdir(), 'scratch-consumer');
    prepareOfflineCopy(app.stackDirs[SERVICE], work);
    // THEN the scratch copy has the empty state and the override pointing at it
    expect(readFileSync(path.join(work, OFFLINE_REMOTE_STATE_FILE), 'utf8')).toBe(EMPTY_STATE);
    const override = JSON.parse(readFileSync(path.join(work, OVERRIDE_FILE), 'utf8')) as {
      data: { terraform_remote_state: Record<string, Json> };
    };
    expect(override.data.terraform_remote_state[INPUT]).toEqual({
      backend: 'local',
      config: { path: path.join(work, OFFLINE_REMOTE_STATE_FILE) },
      workspace: 'default',
      defaults,
    });
    // AND cdktf.out holds no placeholder, no override and no state
    const synthesized = readdirSync(app.stackDirs[SERVICE]);
    expect(synthesized).not.toContain(OVERRIDE_FILE);
    expect(synthesized).not.toContain(OFFLINE_REMOTE_STATE_FILE);
    const text = readFileSync(path.join(app.stackDirs[SERVICE], 'cdk.tf.json'), 'utf8');
    for (const value of Object.values(defaults)) expect(text).not.toContain(String(value));
  });

  it('a producer needs no empty state', () => {
    const work = path.join(os.tmpdir(), 'scratch-producer');
    prepareOfflineCopy(app.stackDirs[FOUNDATION], work);
    expect(existsSync(path.join(work, OFFLINE_REMOTE_STATE_FILE))).toBe(false);
  });
});

describe('emulatorRemoteStateOverride', () => {
  it("points each remote state at the producer's emulator state, with no defaults", () => {
    // GIVEN the producer's scratch state WHEN the consumer's emulator override is made
    const override = emulatorRemoteStateOverride(
      consumer,
      { [FOUNDATION]: '/emulator/tiny-dev/emulator.tfstate' },
      SERVICE,
    );
    // THEN the remote state reads that file in the default workspace
    expect(override).toEqual({
      data: {
        terraform_remote_state: {
          [INPUT]: {
            backend: 'local',
            config: { path: '/emulator/tiny-dev/emulator.tfstate' },
            workspace: 'default',
          },
        },
      },
    });
  });

  it('refuses a consumer whose producer state was not given, naming it', () => {
    expect(() => emulatorRemoteStateOverride(consumer, { other: '/x' }, SERVICE)).toThrow(
      `${SERVICE} reads the state of stack ${FOUNDATION}, whose emulator state file was not given (given: other); apply the producer first and pass its state path`,
    );
  });

  it('is empty for a stack that reads no other stack', () => {
    expect(emulatorRemoteStateOverride(producer, {})).toEqual({});
  });

  it('counts terraform_remote_state as no AWS call', () => {
    expect(serviceOf('terraform_remote_state', 'data')).toBe('none');
    expect(unmappedTypes(consumer)).toEqual([]);
  });

  it('the cycle of a consumer without its producer state fails before init, saying why', async () => {
    // GIVEN no remote states WHEN the cycle runs (no emulator is reached)
    const result = await applyCycle({
      stack: SERVICE,
      stackDir: app.stackDirs[SERVICE],
      workDir: path.join(os.tmpdir(), 'cycle-consumer'),
      cliConfigFile: '/nonexistent/terraformrc',
      moto: { endpoint: 'http://127.0.0.1:9' } as Moto,
    });
    // THEN one failure naming the producer, nothing planned or applied
    expect(result.failures).toEqual([
      `${SERVICE} reads the state of stack ${FOUNDATION}, whose emulator state file was not given (given: none); apply the producer first and pass its state path`,
    ]);
    expect(result.applied).toBe(0);
    expect(existsSync(path.join(os.tmpdir(), 'cycle-consumer', 'init.log'))).toBe(false);
  });
});
