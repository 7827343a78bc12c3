/**
 * State safety. The Terraform address of every resource that holds data or keys is a contract:
 * renaming or moving its construct changes the address, and Terraform would destroy the old one
 * (the file system, the bucket, the vault, the key) and create an empty new one.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Testing } from 'cdktf';
import { STATEFUL_RESOURCE_TYPES } from '../aspects/prevent-destroy';
import { PlatformStack } from '../stacks/platform-stack';
import { synthEnvironment } from '../test-support/environment';
import { SynthesizedJson, resources, synthJson, testSettings } from '../test-support/synth';

const CONTRACT = path.join(__dirname, 'contracts', 'stateful-addresses.json');

function statefulAddresses(json: SynthesizedJson): string[] {
  return STATEFUL_RESOURCE_TYPES.flatMap((type) =>
    Object.keys(json.resource?.[type] ?? {}).map((name) => `${type}.${name}`),
  ).sort();
}

describe('stateful resources', () => {
  const environments = ['dev', 'prod'];
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
      const now = actual[env][stack] ?? [];
      const gone = addresses.filter((address) => !now.includes(address));
      const added = now.filter((address) => !addresses.includes(address));
      if (gone.length || added.length) {
        throw new Error(
          [
            `Stateful resource addresses of ${stack} changed.`,
            gone.length ? `  No longer at: ${gone.join(', ')}` : '',
            added.length ? `  New: ${added.join(', ')}` : '',
            'A renamed or moved construct makes Terraform destroy the old resource and its data.',
            'To move one safely, keep the old address: call resource.moveFromId("<type>.<old name>") on the',
            'new resource (or moveTo/addMoveTarget), plan to see "has moved to", apply, then update',
            `this contract with UPDATE_STATEFUL_CONTRACT=1 npm test (${path.relative(process.cwd(), CONTRACT)}).`,
            'A genuinely new stateful resource is added to the contract the same way.',
          ]
            .filter(Boolean)
            .join('\n'),
        );
      }
    }
    expect(Object.keys(actual[env]).sort()).toEqual(Object.keys(contract[env]).sort());
  });

  it('covers the file system, bucket, vault and keys of every region, and the repository', () => {
    const prod = contract.prod['fargate-prod'];
    const count = (type: string) => prod.filter((address) => address.startsWith(`${type}.`)).length;
    expect(count('aws_efs_file_system')).toBe(2);
    expect(count('aws_s3_bucket')).toBe(2);
    expect(count('aws_backup_vault')).toBe(2);
    expect(count('aws_ecr_repository')).toBe(1);
    expect(count('aws_kms_key')).toBeGreaterThanOrEqual(10);
  });

  it('prevents the destruction of every stateful resource in prod', () => {
    const prod = synthesized.prod.stacks['fargate-prod'];
    for (const type of STATEFUL_RESOURCE_TYPES) {
      for (const resource of resources(prod, type)) {
        expect(`${resource.path}: ${JSON.stringify(resource.lifecycle)}`).toMatch(/"prevent_destroy":true/);
      }
    }
  });

  it('leaves dev destroyable unless the settings ask otherwise', () => {
    const dev = synthesized.dev.stacks['fargate-dev'];
    expect(resources(dev, 'aws_efs_file_system')[0].lifecycle).toBeUndefined();
    const protectedDev = synthJson(
      new PlatformStack(Testing.app(), 'fargate-test', { settings: testSettings({ preventDestroy: true }) }),
    );
    expect(resources(protectedDev, 'aws_s3_bucket').map((b) => b.lifecycle)).toEqual([
      { prevent_destroy: true },
      { prevent_destroy: true },
    ]);
  });

  it('never sets force_destroy on a bucket or force_delete on a repository', () => {
    for (const env of environments) {
      const json = synthesized[env].stacks[`fargate-${env}`];
      expect(resources(json, 'aws_s3_bucket').filter((b) => b.force_destroy)).toEqual([]);
      expect(resources(json, 'aws_ecr_repository').filter((r) => r.force_delete)).toEqual([]);
      expect(resources(json, 'aws_backup_vault').filter((v) => v.force_destroy)).toEqual([]);
    }
  });
});
