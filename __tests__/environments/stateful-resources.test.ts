/**
 * State safety. The Terraform address of every resource that holds data or keys is a contract:
 * renaming or moving its construct changes the address, and Terraform would destroy the old one
 * (the file system, the bucket, the vault, the key) and create an empty new one.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { TerraformStack, Testing } from 'cdktf';
import { STATEFUL_RESOURCE_TYPES } from '../../aspects/prevent-destroy';
import { buildStacks, stackNames } from '../../stacks/app';
import { loadEnvironmentSettings } from '../../settings/load';
import { synthEnvironment } from '../../test-support/environment';
import { SynthesizedJson, resources, synthJson, testSettings } from '../../test-support/synth';

const CONTRACT = path.join(__dirname, '..', 'contracts', 'stateful-addresses.json');

function statefulAddresses(json: SynthesizedJson): string[] {
  return STATEFUL_RESOURCE_TYPES.flatMap((type) =>
    Object.keys(json.resource?.[type] ?? {}).map((name) => `${type}.${name}`),
  ).sort();
}

/** Why `json` breaks the contract `addresses` of `stack`, or undefined when it keeps it. */
function contractProblem(stack: string, addresses: string[], json: SynthesizedJson): string | undefined {
  const now = statefulAddresses(json);
  // A resource moved with a moved block (MovedBlock.toResource) keeps its state: Terraform follows it.
  const moves = (json as { moved?: Array<{ from: string; to: string }> }).moved ?? [];
  const movedTo = new Map(moves.map((move) => [move.from, move.to]));
  const gone = addresses.filter(
    (address) => !now.includes(address) && !now.includes(movedTo.get(address) ?? ''),
  );
  const added = now.filter(
    (address) => !addresses.includes(address) && !moves.some((move) => move.to === address),
  );
  if (!gone.length && !added.length) return undefined;
  return [
    `Stateful resource addresses of ${stack} changed.`,
    gone.length ? `  No longer at: ${gone.join(', ')}` : '',
    added.length ? `  New: ${added.join(', ')}` : '',
    'A renamed or moved construct makes Terraform destroy the old resource and its data.',
    'To move one safely, keep the old address: add MovedBlock.toResource(resource, "<type>.<old name>")',
    '(stacks/moved-block.ts) for the new resource, plan to see "has moved to", apply, then update',
    `this contract with UPDATE_STATEFUL_CONTRACT=1 npm test (${path.relative(process.cwd(), CONTRACT)}).`,
    'A genuinely new stateful resource is added to the contract the same way.',
  ]
    .filter(Boolean)
    .join('\n');
}

describe('stateful resources', () => {
  const environments = ['dev', 'prod'];
  // What the shipped settings say, so an edit of config/*.json within the settings keeps these green.
  const settings = Object.fromEntries(
    environments.map((env) => [
      env,
      loadEnvironmentSettings({ PLATFORM_ENV: env }, path.resolve(__dirname, '../..')),
    ]),
  );
  const platform = (env: string) => stackNames(settings[env]).platform;
  const synthesized = Object.fromEntries(environments.map((env) => [env, synthEnvironment(env)]));
  const actual: Record<string, Record<string, string[]>> = {};
  for (const env of environments) {
    actual[env] = Object.fromEntries(
      Object.entries(synthesized[env].stacks).map(([stack, json]) => [stack, statefulAddresses(json)]),
    );
  }
  if (process.env.UPDATE_STATEFUL_CONTRACT === '1') {
    writeFileSync(CONTRACT, `${JSON.stringify(actual, null, 2)}\n`);
  }
  if (!existsSync(CONTRACT)) {
    throw new Error(
      `${CONTRACT} is missing; write it with UPDATE_STATEFUL_CONTRACT=1 npm test and review it`,
    );
  }
  const contract = JSON.parse(readFileSync(CONTRACT, 'utf8')) as typeof actual;

  it.each(environments)('keeps the Terraform address of every stateful resource of %s', (env) => {
    for (const [stack, addresses] of Object.entries(contract[env])) {
      const problem = contractProblem(stack, addresses, synthesized[env].stacks[stack] ?? {});
      if (problem) throw new Error(problem);
    }
    expect(Object.keys(actual[env]).sort()).toEqual(Object.keys(contract[env]).sort());
  });

  it('fails a renamed file system with instructions, and accepts it once a moved block keeps its state', () => {
    // GIVEN the dev stack as synthesized now, with its primary region's file system renamed
    const primary = settings.dev.regions[0].name;
    const original = synthesized.dev.stacks[platform('dev')];
    const addresses = statefulAddresses(original);
    const json = JSON.parse(JSON.stringify(original)) as SynthesizedJson & {
      moved?: Array<{ from: string; to: string }>;
    };
    const systems = json.resource?.aws_efs_file_system as Record<string, unknown>;
    const [oldName] = Object.keys(systems).filter((name) => name.startsWith(primary));
    const newName = `${primary}_Storage_FileSystem_0000AAAA`;
    systems[newName] = systems[oldName];
    delete systems[oldName];
    // WHEN checked without a moved block THEN it fails and says how to move it safely
    expect(contractProblem(platform('dev'), addresses, json)).toMatch(
      new RegExp(
        `No longer at: aws_efs_file_system\\.${primary}_FileSystem_[0-9A-F]+\\n {2}New: aws_efs_file_system\\.${newName}\\n[\\s\\S]*MovedBlock\\.toResource\\(resource, "<type>\\.<old name>"\\)`,
      ),
    );
    // WHEN the rename comes with the moved block MovedBlock.toResource writes THEN it passes
    json.moved = [{ from: `aws_efs_file_system.${oldName}`, to: `aws_efs_file_system.${newName}` }];
    expect(contractProblem(platform('dev'), addresses, json)).toBeUndefined();
  });

  it('covers the file system, data and log buckets, vault and keys of every region, and each service’s repository', () => {
    const prod = contract.prod[platform('prod')];
    const regions = settings.prod.regions.map((region) => region.name);
    const count = (type: string) => prod.filter((address) => address.startsWith(`${type}.`)).length;
    expect(count('aws_efs_file_system')).toBe(regions.length);
    // A data bucket and an access-log bucket per region (production logs its load balancers).
    expect(count('aws_s3_bucket')).toBe(2 * regions.length);
    for (const region of regions) {
      expect(prod.filter((a) => a.startsWith(`aws_s3_bucket.${region}_LogBucket_`))).toHaveLength(1);
    }
    expect(count('aws_backup_vault')).toBe(regions.length);
    // One repository per service that builds its own image, at ContainerRepository/<service>/Repository.
    const ownImages = Object.entries(settings.prod.services)
      .filter(([, service]) => !service.image.repositoryUri)
      .map(([name]) => name)
      .sort();
    expect(ownImages.length).toBeGreaterThan(1);
    expect(prod.filter((address) => address.startsWith('aws_ecr_repository.'))).toEqual(
      ownImages.map((name) =>
        expect.stringMatching(`^aws_ecr_repository\\.ContainerRepository_${name}_Repository_[0-9A-F]+$`),
      ),
    );
    expect(count('aws_kms_key')).toBeGreaterThanOrEqual(5 * regions.length);
  });

  it.each(environments)(
    'moves the single-service repository of %s to its legacyNames service, under the same name',
    (env) => {
      // GIVEN the environment's service that keeps the single-service names
      const [legacy] = Object.entries(settings[env].services).filter(([, service]) => service.legacyNames);
      expect(legacy).toBeDefined();
      const json = synthesized[env].stacks[platform(env)] as SynthesizedJson & {
        moved?: Array<{ from: string; to: string }>;
      };
      // THEN the single-service platform's repository address moves to that service's repository
      const [repository] = resources(json, 'aws_ecr_repository').filter(
        (r) => r.path === `${platform(env)}/ContainerRepository/${legacy[0]}/Repository`,
      );
      const [name] = Object.entries(json.resource?.aws_ecr_repository ?? {}).find(
        ([, block]) => (block['//'] as { metadata: { path: string } }).metadata.path === repository.path,
      ) as [string, unknown];
      expect(json.moved).toContainEqual({
        from: 'aws_ecr_repository.ContainerRepository_9598CF0D',
        to: `aws_ecr_repository.${name}`,
      });
      // AND keeps the name it had, so the move replaces nothing (a new name would replace it)
      expect(repository.name).toBe(`${settings[env].app}/${settings[env].environment}/app`);
      // AND no other stateful resource moves: the foundation's stay where they were
      const movedStateful = (json.moved ?? []).filter((move) =>
        STATEFUL_RESOURCE_TYPES.some((type) => move.to.startsWith(`${type}.`)),
      );
      expect(movedStateful).toEqual([
        { from: 'aws_ecr_repository.ContainerRepository_9598CF0D', to: `aws_ecr_repository.${name}` },
      ]);
    },
  );

  it('prevents the destruction of every stateful resource of every prod stack', () => {
    let checked = 0;
    for (const prod of Object.values(synthesized.prod.stacks)) {
      for (const type of STATEFUL_RESOURCE_TYPES) {
        for (const resource of resources(prod, type)) {
          expect(`${resource.path}: ${JSON.stringify(resource.lifecycle)}`).toMatch(/"prevent_destroy":true/);
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(20);
  });

  it('leaves dev destroyable unless the settings ask otherwise', () => {
    const dev = synthesized.dev.stacks[platform('dev')];
    const protectedByFile = settings.dev.preventDestroy ?? settings.dev.tier === 'production';
    expect(resources(dev, 'aws_efs_file_system')[0].lifecycle).toEqual(
      protectedByFile ? { prevent_destroy: true } : undefined,
    );
    const app = Testing.app();
    buildStacks(app, testSettings({ preventDestroy: true }), () => undefined);
    const protectedDev = synthJson(app.node.findChild('fargate-test') as TerraformStack);
    expect(resources(protectedDev, 'aws_s3_bucket').map((b) => b.lifecycle)).toEqual([
      { prevent_destroy: true },
      { prevent_destroy: true },
    ]);
  });

  it('never sets force_destroy on a bucket or force_delete on a repository', () => {
    for (const env of environments) {
      const json = synthesized[env].stacks[platform(env)];
      expect(resources(json, 'aws_s3_bucket').filter((b) => b.force_destroy)).toEqual([]);
      expect(resources(json, 'aws_ecr_repository').filter((r) => r.force_delete)).toEqual([]);
      expect(resources(json, 'aws_backup_vault').filter((v) => v.force_destroy)).toEqual([]);
    }
  });
});
