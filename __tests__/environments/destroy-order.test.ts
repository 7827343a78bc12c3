/**
 * Destroy order of encrypted stores. Terraform destroys a resource only after everything that
 * depends on it, so a store that depends on its KMS key is deleted before the key is scheduled
 * for deletion. If a store's delete fails (a bucket still holding objects, a vault with recovery
 * points), its key must still be there: otherwise it is scheduled for deletion and, after the
 * waiting period, the data it encrypts is unreadable.
 */
import { synthEnvironment } from '../../test-support/environment';
import { SynthesizedJson } from '../../test-support/synth';

/** Encrypted stores and the companion resources that carry the encryption of some of them. */
const STORE_TYPES = [
  'aws_s3_bucket',
  'aws_efs_file_system',
  'aws_cloudwatch_log_group',
  'aws_sns_topic',
  'aws_backup_vault',
  'aws_ecr_repository',
];
const COMPANIONS: Record<string, string> = {
  aws_s3_bucket_server_side_encryption_configuration: 'bucket',
};

const REFERENCE = /\$\{(aws_[a-z0-9_]+\.[A-Za-z0-9_-]+)/g;

function dependencies(block: unknown): Set<string> {
  const text = JSON.stringify(block);
  const found = new Set([...text.matchAll(REFERENCE)].map((match) => match[1]));
  for (const entry of (block as { depends_on?: string[] }).depends_on ?? []) found.add(entry);
  return found;
}

function graph(json: SynthesizedJson): Map<string, Set<string>> {
  const edges = new Map<string, Set<string>>();
  for (const [type, byName] of Object.entries(json.resource ?? {})) {
    for (const [name, block] of Object.entries(byName)) edges.set(`${type}.${name}`, dependencies(block));
  }
  return edges;
}

function dependsOnTransitively(edges: Map<string, Set<string>>, from: string, to: string): boolean {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length) {
    const next = stack.pop() as string;
    if (next === to) return true;
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...(edges.get(next) ?? []));
  }
  return false;
}

/** `store -> key` for every KMS key that encrypts a store, directly or through a companion. */
function encryptedStores(json: SynthesizedJson): Array<{ store: string; key: string }> {
  const edges = graph(json);
  const keysOf = (address: string) =>
    [...(edges.get(address) ?? [])].filter((d) => d.startsWith('aws_kms_key.'));
  const pairs: Array<{ store: string; key: string }> = [];
  for (const type of STORE_TYPES) {
    for (const name of Object.keys(json.resource?.[type] ?? {})) {
      const store = `${type}.${name}`;
      const viaCompanion = Object.entries(COMPANIONS).flatMap(([companionType, attribute]) =>
        Object.entries(json.resource?.[companionType] ?? {})
          .filter(([, block]) => String(block[attribute]).startsWith(`\${${store}.`))
          .flatMap(([companionName]) => keysOf(`${companionType}.${companionName}`)),
      );
      for (const key of new Set([...keysOf(store), ...viaCompanion])) pairs.push({ store, key });
    }
  }
  return pairs;
}

describe('the destroy order of encrypted stores', () => {
  it.each(['dev', 'prod'])('deletes every encrypted store of %s before its key', (environment) => {
    // GIVEN the synthesized environment
    const { stacks } = synthEnvironment(environment);
    for (const [name, json] of Object.entries(stacks)) {
      const edges = graph(json);
      // WHEN every store is matched to the keys that encrypt it
      const pairs = encryptedStores(json);
      // THEN there are such pairs (buckets among them), and each store depends on its key
      if (name === `fargate-${environment}`) {
        expect(pairs.some(({ store }) => store.startsWith('aws_s3_bucket.'))).toBe(true);
        expect(pairs.some(({ store }) => store.startsWith('aws_efs_file_system.'))).toBe(true);
        // every store of the platform is encrypted with a KMS key, each service's log group and
        // repository among them, so none is left out of the check; but the load balancer log buckets,
        // which ELB can only write with S3-managed keys (SSE-S3, no KMS key to outlive them)
        const s3Managed = Object.values(
          json.resource?.aws_s3_bucket_server_side_encryption_configuration ?? {},
        )
          .filter((block) => JSON.stringify(block).includes('"sse_algorithm":"AES256"'))
          .map((block) => String(block.bucket).replace(/^\$\{(aws_s3_bucket\.[^.]+)\.[a-z_]+\}$/, '$1'));
        const stores = STORE_TYPES.flatMap((type) =>
          Object.keys(json.resource?.[type] ?? {}).map((store) => `${type}.${store}`),
        ).filter((store) => !s3Managed.includes(store));
        expect(s3Managed.every((bucket) => /_LogBucket_/.test(bucket))).toBe(true);
        const serviceLogGroups = stores.filter((store) => /^aws_cloudwatch_log_group\.Services_/.test(store));
        expect(serviceLogGroups.length).toBeGreaterThanOrEqual(2 * 2);
        expect(stores.filter((store) => !pairs.some((pair) => pair.store === store))).toEqual([]);
      }
      const broken = pairs
        .filter(({ store, key }) => !dependsOnTransitively(edges, store, key))
        .map(({ store, key }) => `${name}: ${store} does not depend on ${key}`);
      expect(broken).toEqual([]);
    }
  });
});
