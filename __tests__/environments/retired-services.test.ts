/**
 * services.<name>.retired: nothing of a retired service is built; its repository and log groups are
 * forgotten (`removed` blocks with destroy = false) at exactly the addresses the live service's had,
 * in both stack layouts.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Testing, TerraformStack } from 'cdktf';
import { parseSettings } from '../../settings/load';
import { RemovedBlock } from '../../stacks/removed-block';
import { SynthesizedEnvironment, synthEnvironment } from '../../test-support/environment';
import { SynthesizedJson } from '../../test-support/synth';

const root = path.resolve(__dirname, '../..');
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const shippedDev = () => JSON.parse(readFileSync(path.join(root, 'config', 'dev.json'), 'utf8')) as Json;

/** dev with `change` applied to a copy of its shipped settings, synthesized through the app. */
function synthDev(change: (settings: Json) => void): SynthesizedEnvironment {
  const settings = shippedDev();
  change(settings);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'retired-config-'));
  writeFileSync(path.join(dir, 'dev.json'), JSON.stringify(settings));
  return synthEnvironment('dev', dir);
}
const retireApi = (settings: Json) => {
  settings.services.api.retired = true;
};
const perService = (settings: Json) => {
  settings.stackLayout = 'stack-per-service';
};

/** Every resource of a stack: address, construct path below the stack, block. */
function resourcesOf(json: SynthesizedJson): Array<{ address: string; path: string; block: Json }> {
  return Object.entries(json.resource ?? {}).flatMap(([type, blocks]) =>
    Object.entries(blocks).map(([name, block]) => ({
      address: `${type}.${name}`,
      path: (block['//'] as { metadata: { path: string } }).metadata.path.split('/').slice(1).join('/'),
      block,
    })),
  );
}

/** The `removed` blocks of a stack. */
function removedOf(json: SynthesizedJson): Array<{ from: string; lifecycle: Array<{ destroy: boolean }> }> {
  return ((json as Json).removed ?? []) as Array<{ from: string; lifecycle: Array<{ destroy: boolean }> }>;
}

/** Addresses of the stateful resources of service `api` in a live synthesis. */
function statefulOfApi(json: SynthesizedJson): string[] {
  return resourcesOf(json)
    .filter(
      ({ address, path: at }) =>
        /^aws_(ecr_repository|ecr_lifecycle_policy|cloudwatch_log_group)\./.test(address) &&
        (at.startsWith('Services/api/') || at.startsWith('ContainerRepository/api/')),
    )
    .map(({ address }) => address)
    .sort();
}

/** What a stack says of service api anywhere outside its `removed` blocks. */
function mentionsOfApi(json: SynthesizedJson): string[] {
  const { removed: _removed, ...rest } = json as Json;
  void _removed;
  const text = JSON.stringify(rest);
  return ['Services/api/', 'fargate-dev-api', 'fargate/dev/api', '_api_'].filter((word) =>
    text.includes(word),
  );
}

describe('RemovedBlock', () => {
  it('writes a removed block that forgets the object (destroy = false)', () => {
    // GIVEN a stack WHEN a removed block is added THEN the JSON is the shape Terraform 1.11 validates
    const stack = new TerraformStack(Testing.app(), 'test');
    new RemovedBlock(stack, 'Forget', { from: 'aws_ecr_repository.repo' });
    const json = JSON.parse(Testing.synth(stack)) as Json;
    expect(json.removed).toEqual([{ from: 'aws_ecr_repository.repo', lifecycle: [{ destroy: false }] }]);
  });
});

describe('settings: services.<name>.retired', () => {
  it('is false unless the settings say otherwise, and leaves a retired service out of services', () => {
    const dev = shippedDev();
    expect(parseSettings(dev, 'dev').services.api.retired).toBe(false);
    retireApi(dev);
    const settings = parseSettings(dev, 'dev');
    expect(Object.keys(settings.services)).toEqual(['app']);
    expect(Object.keys(settings.retiredServices)).toEqual(['api']);
  });

  it('names the setting, the value and what is allowed when the value is not a boolean', () => {
    const dev = shippedDev();
    dev.services.api.retired = 'yes';
    expect(() => parseSettings(dev, 'dev')).toThrow(
      /services\.api\.retired: got "yes"; expected true \(the service is taken out of service.*or false \(the default\)/,
    );
  });

  it('refuses a live service that calls a retired one through Service Connect', () => {
    const dev = shippedDev();
    dev.services.api.serviceConnect = { offers: [{ portName: 'http', appProtocol: 'http' }] };
    dev.services.app.serviceConnect = { calls: ['api'] };
    retireApi(dev);
    let message = '';
    try {
      parseSettings(dev, 'dev');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(
      /services\.app\.serviceConnect\.calls\[0\]: got "api"; calls api, which is retired \(services\.api\.retired is true\).*remove the call, or keep api in service/,
    );
    // One message for the call: the other rules do not report it again.
    expect(message.split('\n')).toHaveLength(2);
  });

  it('refuses retiring every service', () => {
    const dev = shippedDev();
    retireApi(dev);
    dev.services.app.retired = true;
    expect(() => parseSettings(dev, 'dev')).toThrow(
      /services: got \["app","api"\]; every service is retired/,
    );
  });

  it('refuses leaving no live service with a repository of its own, whose KMS key the kept repository needs', () => {
    const dev = shippedDev();
    dev.services.app.image = {
      repositoryUri: '111111111111.dkr.ecr.us-east-1.amazonaws.com/elsewhere/app',
      tag: '0.1.0',
    };
    retireApi(dev);
    expect(() => parseSettings(dev, 'dev')).toThrow(
      /services\.api\.retired: got true; no live service would have a repository of its own, so the repositories' KMS key would be destroyed/,
    );
  });

  it('frees the retired service’s routing priority', () => {
    const dev = shippedDev();
    retireApi(dev);
    dev.services.app.routing.priority = 100; // api's
    expect(Object.keys(parseSettings(dev, 'dev').services)).toEqual(['app']);
  });
});

describe.each([
  ['one stack', (settings: Json) => void settings],
  ['a stack per service', perService],
])('dev with api retired, %s', (_layout, layout) => {
  const live = synthDev(layout);
  const retired = synthDev((settings) => {
    layout(settings);
    retireApi(settings);
  });
  const liveAll = Object.values(live.stacks);
  const retiredStacks = Object.entries(retired.stacks);

  it('builds nothing of api: no resource, data source, output or dashboard entry names it', () => {
    for (const [name, json] of retiredStacks) {
      expect({ name, mentions: mentionsOfApi(json) }).toEqual({ name, mentions: [] });
    }
    const liveMentions = liveAll.flatMap((json) => mentionsOfApi(json));
    expect(liveMentions.length).toBeGreaterThan(0);
  });

  it('frees its listener rule priority', () => {
    const priorities = retiredStacks.flatMap(([, json]) =>
      Object.values(json.resource?.aws_lb_listener_rule ?? {}).map((rule) => rule.priority),
    );
    expect(priorities.length).toBeGreaterThan(0);
    expect(priorities).not.toContain(100);
  });

  it('forgets (destroy = false) exactly its repository, lifecycle policy and log groups, at the live addresses', () => {
    const forgotten = retiredStacks.flatMap(([, json]) => removedOf(json));
    for (const block of forgotten) expect(block.lifecycle).toEqual([{ destroy: false }]);
    const expected = liveAll.flatMap((json) => statefulOfApi(json)).sort();
    // 1 repository and its lifecycle policy, a log group in each of the 2 regions
    expect(expected).toHaveLength(4);
    expect(forgotten.map((block) => block.from).sort()).toEqual(expected);
  });

  it('puts each removed block in the stack whose state holds the object', () => {
    for (const [name, json] of retiredStacks) {
      const liveAddresses = new Set(resourcesOf(live.stacks[name]).map((r) => r.address));
      for (const block of removedOf(json))
        expect({ name, from: block.from, held: liveAddresses.has(block.from) }).toEqual({
          name,
          from: block.from,
          held: true,
        });
    }
  });

  it('changes nothing of the other service', () => {
    const appOf = (stacks: SynthesizedJson[]) =>
      stacks
        .flatMap((json) => resourcesOf(json))
        .filter((r) => r.path.startsWith('Services/app/'))
        .map(({ address, block }) => ({ address, block }))
        .sort((a, b) => a.address.localeCompare(b.address));
    expect(appOf(retiredStacks.map(([, json]) => json))).toEqual(appOf(liveAll));
  });
});

describe('dev with api retired, a stack per service: api’s own stack', () => {
  const live = synthDev(perService);
  const retired = synthDev((settings) => {
    perService(settings);
    retireApi(settings);
  });
  const stack = retired.stacks['fargate-dev-svc-api'];

  it('keeps its name, backend, providers and required_version, and holds no resource or data source', () => {
    expect(Object.keys(retired.stacks).sort()).toEqual(Object.keys(live.stacks).sort());
    expect(stack.resource ?? {}).toEqual({});
    expect(stack.data ?? {}).toEqual({});
    expect(stack.output ?? {}).toEqual({});
    const liveStack = live.stacks['fargate-dev-svc-api'];
    expect(stack.terraform?.backend).toEqual(liveStack.terraform?.backend);
    expect(stack.terraform?.required_version).toBe('>= 1.10');
    expect(stack.provider).toEqual(liveStack.provider);
  });

  it('forgets its log groups in both regions; the foundation forgets its repository', () => {
    expect(
      removedOf(stack)
        .map((b) => b.from)
        .every((from) => from.startsWith('aws_cloudwatch_log_group.')),
    ).toBe(true);
    expect(removedOf(stack)).toHaveLength(2);
    expect(
      removedOf(retired.stacks['fargate-dev'])
        .map((b) => b.from.split('.')[0])
        .sort(),
    ).toEqual(['aws_ecr_lifecycle_policy', 'aws_ecr_repository']);
  });
});

describe.each([
  // The collector's metrics log group is the service's too; `app` keeps the single-service names.
  [
    'api with an OpenTelemetry collector',
    'api',
    (s: Json) => void (s.services.api.sidecars = { collector: {} }),
    6,
  ],
  ['app (legacyNames)', 'app', (s: Json) => void s, 4],
])('dev with %s retired, one stack', (_title, service, change, count) => {
  const live = synthDev(change);
  const retired = synthDev((settings) => {
    change(settings);
    settings.services[service].retired = true;
  });

  it('forgets every repository, lifecycle policy and log group the live service had, at its address', () => {
    const liveJson = live.stacks['fargate-dev'];
    const expected = resourcesOf(liveJson)
      .filter(
        ({ address, path: at }) =>
          /^aws_(ecr_repository|ecr_lifecycle_policy|cloudwatch_log_group)\./.test(address) &&
          (at.startsWith(`Services/${service}/`) || at.startsWith(`ContainerRepository/${service}/`)),
      )
      .map(({ address }) => address)
      .sort();
    expect(expected).toHaveLength(count);
    expect(
      removedOf(retired.stacks['fargate-dev'])
        .map((block) => block.from)
        .sort(),
    ).toEqual(expected);
    const left = resourcesOf(retired.stacks['fargate-dev']).filter((r) =>
      r.path.startsWith(`Services/${service}/`),
    );
    expect(left).toEqual([]);
  });
});
