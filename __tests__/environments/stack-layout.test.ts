/**
 * stackLayout: the foundation and each service in stacks of their own, every resource at the address
 * it has in the one-stack layout (so changing the layout moves state, it renames nothing).
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { STATEFUL_RESOURCE_TYPES } from '../../aspects/prevent-destroy';
import { parseSettings } from '../../settings/load';
import { readSynthesizedManifest } from '../../stacks/synthesized-manifest';
import { dependentsOf } from '../../tools/teardown';
import { SynthesizedEnvironment, synthEnvironment } from '../../test-support/environment';
import { SynthesizedJson } from '../../test-support/synth';

const root = path.resolve(__dirname, '../..');
const shipped = (env: string) =>
  JSON.parse(readFileSync(path.join(root, 'config', `${env}.json`), 'utf8')) as Record<string, unknown>;

/** A config folder holding `env` with `changes` applied to the shipped settings. */
function configWith(env: string, changes: Record<string, unknown>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'layout-'));
  mkdirSync(path.join(dir, 'config'));
  writeFileSync(path.join(dir, 'config', `${env}.json`), JSON.stringify({ ...shipped(env), ...changes }));
  return path.join(dir, 'config');
}

/** `<type>.<name>` of every resource and data source of a stack. */
function addresses(json: SynthesizedJson, kind: 'resource' | 'data'): string[] {
  return Object.entries(json[kind] ?? {}).flatMap(([type, blocks]) =>
    Object.keys(blocks).map((name) => `${type}.${name}`),
  );
}

describe('settings: stackLayout', () => {
  const dev = shipped('dev');

  it('is one-stack unless the settings say otherwise', () => {
    expect(parseSettings(dev, 'dev').stackLayout).toBe('one-stack');
  });

  it('names the setting, the value and the layouts allowed when the value is not one', () => {
    expect(() => parseSettings({ ...dev, stackLayout: 'per-team' }, 'dev')).toThrow(
      /stackLayout.*"per-team".*"one-stack", "stack-per-service"/s,
    );
  });

  it('refuses, with a stack per service, Service Connect calls that come back round, naming the cycle', () => {
    const services = shipped('prod').services as Record<string, Record<string, unknown>>;
    const api = services.api as { serviceConnect: Record<string, unknown> };
    const app = services.app as { serviceConnect: Record<string, unknown> };
    const cyclic = {
      ...shipped('prod'),
      stackLayout: 'stack-per-service',
      services: {
        ...services,
        app: { ...app, serviceConnect: { ...app.serviceConnect, offers: api.serviceConnect.offers } },
        api: { ...api, serviceConnect: { ...api.serviceConnect, calls: ['app'] } },
      },
    };
    expect(() => parseSettings(cyclic, 'prod')).toThrow(
      /services\.app\.serviceConnect\.calls\[0\].*calls app -> api -> app: with stackLayout "stack-per-service"/s,
    );
    // The same calls in one stack are ordered within it.
    expect(() => parseSettings({ ...cyclic, stackLayout: 'one-stack' }, 'prod')).not.toThrow();
  });
});

describe.each(['dev', 'prod'])('%s with a stack per service', (env) => {
  let one: SynthesizedEnvironment;
  let split: SynthesizedEnvironment;
  beforeAll(() => {
    one = synthEnvironment(env);
    split = synthEnvironment(env, configWith(env, { stackLayout: 'stack-per-service' }));
  });
  const serviceNames = Object.keys(shipped(env).services as object);
  const foundation = `fargate-${env}`;

  it('is the foundation stack and one stack per service', () => {
    expect(Object.keys(split.stacks).sort()).toEqual(
      [foundation, ...serviceNames.map((name) => `${foundation}-svc-${name}`)].sort(),
    );
  });

  it('holds every resource of the one-stack layout exactly once, at the same address', () => {
    const oneStack = addresses(one.stacks[foundation], 'resource').sort();
    const all = Object.values(split.stacks).flatMap((json) => addresses(json, 'resource'));
    expect(new Set(all).size).toBe(all.length);
    expect(all.sort()).toEqual(oneStack);
  });

  it("tags every resource as the one-stack layout does, a service's own tags included", () => {
    const tagsByAddress = (stacks: SynthesizedJson[]) =>
      Object.fromEntries(
        stacks.flatMap((json) =>
          Object.entries(json.resource ?? {}).flatMap(([type, blocks]) =>
            Object.entries(blocks).map(([name, block]) => [`${type}.${name}`, block.tags]),
          ),
        ),
      );
    const splitTags = tagsByAddress(Object.values(split.stacks));
    expect(splitTags).toEqual(tagsByAddress([one.stacks[foundation]]));
    // The shipped environments give a service tags of its own (dev and prod: api is the orders team's).
    const teamTagged = Object.entries(splitTags).filter(
      ([, tags]) => (tags as Record<string, string> | undefined)?.team === 'orders',
    );
    expect(teamTagged.length).toBeGreaterThan(20);
  });

  it('gives each service stack its service in every region, and the foundation none', () => {
    const regions = (shipped(env).regions as Array<{ name: string }>).map((region) => region.name);
    for (const name of serviceNames) {
      const json = split.stacks[`${foundation}-svc-${name}`];
      const paths = Object.values(json.resource ?? {}).flatMap((blocks) =>
        Object.values(blocks).map((block) => (block['//'] as { metadata: { path: string } }).metadata.path),
      );
      expect(paths.length).toBeGreaterThan(0);
      for (const p of paths) expect(p).toMatch(new RegExp(`^${foundation}-svc-${name}/Services/${name}/`));
      for (const region of regions)
        expect(paths.some((p) => p.includes(`/Services/${name}/${region}/`))).toBe(true);
      // One aliased provider per region, as in the foundation.
      const providers = (json.provider as { aws: Array<{ alias: string; region: string }> }).aws;
      expect(providers.map((provider) => provider.region).sort()).toEqual([...regions].sort());
      // Its own state, beside the foundation's.
      expect(json.terraform?.backend).toEqual({
        local: { path: `../../../terraform.tfstate.d/${foundation}-svc-${name}.tfstate` },
      });
    }
    const foundationPaths = Object.values(split.stacks[foundation].resource ?? {}).flatMap((blocks) =>
      Object.values(blocks).map((block) => (block['//'] as { metadata: { path: string } }).metadata.path),
    );
    expect(foundationPaths.filter((p) => p.includes('/Services/'))).toEqual([]);
  });

  it("reads the foundation's values from the foundation's state, and orders nothing across stacks", () => {
    for (const name of serviceNames) {
      const json = split.stacks[`${foundation}-svc-${name}`];
      const remote = (json.data?.terraform_remote_state ?? {}) as Record<string, Record<string, unknown>>;
      expect(remote[`cross-stack-reference-input-${foundation}`]).toEqual({
        backend: 'local',
        config: { path: `../../../terraform.tfstate.d/${foundation}.tfstate` },
        workspace: '${terraform.workspace}',
      });
      // Every depends_on names a resource of the same stack.
      const own = new Set(addresses(json, 'resource'));
      for (const blocks of Object.values(json.resource ?? {})) {
        for (const block of Object.values(blocks)) {
          for (const dependency of (block.depends_on as string[] | undefined) ?? []) {
            expect(own.has(dependency)).toBe(true);
          }
        }
      }
      // Every output the service reads is one the foundation (or a callee's stack) writes.
      const text = JSON.stringify(json);
      for (const [, stack, output] of text.matchAll(
        /data\.terraform_remote_state\.cross-stack-reference-input-([a-z0-9-]+)\.outputs\.([A-Za-z0-9_-]+)/g,
      )) {
        expect(Object.keys(split.stacks[stack].output ?? {})).toContain(output);
      }
    }
  });

  it('leaves the shipped settings, which name no layout, in one stack', () => {
    expect(Object.keys(one.stacks)).toEqual([foundation]);
  });
});

describe('prod with a stack per service: Service Connect across stacks', () => {
  let split: SynthesizedEnvironment;
  beforeAll(() => {
    split = synthEnvironment('prod', configWith('prod', { stackLayout: 'stack-per-service' }));
  });

  it("puts a caller's access in the caller's stack, reading the callee's security group from the callee's state", () => {
    const app = split.stacks['fargate-prod-svc-app'];
    const remote = Object.keys(app.data?.terraform_remote_state ?? {});
    expect(remote.sort()).toEqual([
      'cross-stack-reference-input-fargate-prod',
      'cross-stack-reference-input-fargate-prod-svc-api',
    ]);
    const ingress = Object.entries(app.resource?.aws_vpc_security_group_ingress_rule ?? {}).filter(([name]) =>
      name.includes('_Calls_api_'),
    );
    expect(ingress.length).toBe(2); // one per region
    for (const [, rule] of ingress) {
      expect(rule.security_group_id).toMatch(
        /^\$\{data\.terraform_remote_state\.cross-stack-reference-input-fargate-prod-svc-api\.outputs\./,
      );
    }
    // The manifest orders the stacks: the foundation, then api, then its callers.
    const manifest = readSynthesizedManifest(split.outdir);
    expect(manifest.stacks['fargate-prod-svc-app'].dependencies.sort()).toEqual([
      'fargate-prod',
      'fargate-prod-svc-api',
    ]);
    expect(manifest.stacks['fargate-prod-svc-api'].dependencies).toEqual(['fargate-prod']);
    expect(manifest.stacks['fargate-prod'].dependencies).toEqual([]);
    // A teardown of the foundation destroys every service stack first, callers before their callees.
    const order = dependentsOf('fargate-prod', manifest.stacks);
    expect([...order].sort()).toEqual(
      ['admin', 'api', 'app', 'mailer', 'nightly'].map((name) => `fargate-prod-svc-${name}`),
    );
    for (const caller of ['app', 'mailer']) {
      expect(order.indexOf(`fargate-prod-svc-${caller}`)).toBeLessThan(order.indexOf('fargate-prod-svc-api'));
    }
    expect(dependentsOf('fargate-prod-svc-api', manifest.stacks).sort()).toEqual([
      'fargate-prod-svc-app',
      'fargate-prod-svc-mailer',
    ]);
  });

  it('protects the stateful resources of every stack in production (prevent_destroy)', () => {
    let stateful = 0;
    for (const [name, json] of Object.entries(split.stacks)) {
      for (const type of STATEFUL_RESOURCE_TYPES) {
        for (const [id, block] of Object.entries(json.resource?.[type] ?? {})) {
          stateful += 1;
          const prevent = (block.lifecycle as { prevent_destroy?: boolean } | undefined)?.prevent_destroy;
          expect({ name, id, prevent }).toEqual({ name, id, prevent: true });
        }
      }
    }
    expect(stateful).toBeGreaterThan(10);
  });
});
