/**
 * What a consumer stack reads from other stacks through cdktf's cross-stack references, and the
 * overrides that point those reads somewhere else from outside the synthesized configuration:
 *
 * - offline (`npm run plan:offline`): each `terraform_remote_state` reads an empty local state in
 *   the scratch copy, and every output the consumer reads falls back to a placeholder derived from
 *   the producer's output expression (tools/terraform/placeholders.ts), so the real state (local
 *   file, S3 or Terraform Cloud) is never read and the plan sees plausible, known values;
 * - emulator: each `terraform_remote_state` reads the producer's scratch state file, applied before.
 *
 * cdktf 0.21 names what it synthesizes for a value of stack A used in stack B: in A an output
 * `cross-stack-output-<type><name><attribute path>` whose value is `${<type>.<name>.<path>}`, in B a
 * `data.terraform_remote_state.cross-stack-reference-input-<A>` built by A's backend, and B reads
 * `${data.terraform_remote_state.cross-stack-reference-input-<A>.outputs.<output>}`.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ProducerJson, parseReference, placeholderFor } from './placeholders';
import { manifestFile, readSynthesizedManifest } from '../../stacks/synthesized-manifest';

/** The id cdktf gives the remote state of producer stack `<A>`: `cross-stack-reference-input-<A>`. */
export const CROSS_STACK_INPUT_PREFIX = 'cross-stack-reference-input-';

/** A synthesized stack, as far as its remote states go (everything else is searched as text). */
export interface ConsumerJson {
  data?: Record<string, Record<string, unknown>>;
}

/** One `terraform_remote_state` of a consumer and the outputs the consumer reads through it. */
export interface RemoteStateRead {
  /** The data source's name (`cross-stack-reference-input-<producer>`). */
  readonly dataName: string;
  /** The producer stack. */
  readonly producer: string;
  /** The output names read, sorted. */
  readonly outputs: readonly string[];
}

const READ = /data\.terraform_remote_state\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)/g;

/**
 * Every `terraform_remote_state` of a synthesized stack with the outputs read through it, sorted by
 * name. Throws for one that no cdktf cross-stack reference made (its producer is not a stack of the
 * app, so nothing says what it holds).
 */
export function remoteStateReads(consumer: ConsumerJson, consumerName = 'the stack'): RemoteStateRead[] {
  const names = Object.keys(consumer.data?.terraform_remote_state ?? {}).sort();
  if (!names.length) return [];
  const outputs = new Map<string, Set<string>>(names.map((name) => [name, new Set<string>()]));
  // Everything but the remote states themselves, as text: reads can sit in any expression.
  const text = JSON.stringify(consumer, (key, value: unknown) =>
    key === 'terraform_remote_state' ? undefined : value,
  );
  for (const match of text.matchAll(READ)) outputs.get(match[1])?.add(match[2]);
  return names.map((dataName) => {
    if (!dataName.startsWith(CROSS_STACK_INPUT_PREFIX)) {
      throw new Error(
        `${consumerName}: data.terraform_remote_state.${dataName} is not a cdktf cross-stack reference (its name does not start with "${CROSS_STACK_INPUT_PREFIX}"), so no stack of this app says what it holds; only cross-stack references can be planned offline or applied to the emulator`,
      );
    }
    return {
      dataName,
      producer: dataName.slice(CROSS_STACK_INPUT_PREFIX.length),
      outputs: [...(outputs.get(dataName) ?? [])].sort(),
    };
  });
}

/**
 * What the offline plan says of a stack that reads other stacks, or undefined for one that reads
 * none: `<stack> reads <producers>: <n> outputs as placeholders …`.
 */
export function remoteStateSummary(name: string, consumer: ConsumerJson): string | undefined {
  const reads = remoteStateReads(consumer, name);
  if (!reads.length) return undefined;
  const outputs = reads.reduce((n, read) => n + read.outputs.length, 0);
  return `${name} reads ${reads.map((read) => read.producer).join(', ')}: ${outputs} output${outputs === 1 ? '' : 's'} as placeholders derived from their synthesized outputs, no state read`;
}

/** The stacks a consumer reads from, sorted. */
export function producersOf(consumer: ConsumerJson, consumerName?: string): string[] {
  return [...new Set(remoteStateReads(consumer, consumerName).map((read) => read.producer))].sort();
}

/**
 * A Terraform state with no resources and no outputs: what an offline remote state reads (a
 * `terraform_remote_state` of a missing local file fails with "Unable to find remote state", so the
 * file must exist), leaving every output to its default.
 */
export const EMPTY_STATE = `${JSON.stringify({
  version: 4,
  terraform_version: '1.0.0',
  serial: 0,
  lineage: 'offline-placeholder',
  outputs: {},
  resources: [],
})}\n`;

/** Where a consumer's scratch copy keeps the empty state its offline remote states read. */
export const OFFLINE_REMOTE_STATE_FILE = 'offline-remote-state.tfstate';

/**
 * The placeholder for each output a consumer reads from `producer`, from the producer's output
 * expressions. Throws when the producer has no such output, or one that is not a single attribute
 * reference.
 */
export function placeholderOutputs(
  producerName: string,
  producer: ProducerJson,
  outputs: readonly string[],
): Record<string, unknown> {
  return Object.fromEntries(
    outputs.map((output) => {
      const value = producer.output?.[output]?.value;
      if (value === undefined) {
        throw new Error(
          `stack ${producerName} has no output "${output}" (a consumer reads it through its remote state); synthesize all stacks of the app together`,
        );
      }
      const reference = parseReference(value);
      if (!reference) {
        throw new Error(
          `output "${output}" of stack ${producerName} is ${JSON.stringify(value)}, not a single attribute reference (\${<type>.<name>.<attribute>}); no placeholder can be derived for it`,
        );
      }
      return [output, placeholderFor(producerName, producer, reference)];
    }),
  );
}

/**
 * Offline override of a consumer's remote states: each reads the empty local state `emptyStatePath`
 * (in the scratch copy; write EMPTY_STATE there) in the default workspace, with a placeholder for
 * every output the consumer reads as its default. `producers` holds the synthesized JSON of each
 * producer stack, by stack name.
 */
export function offlineRemoteStateOverride(
  consumer: ConsumerJson,
  producers: Readonly<Record<string, ProducerJson>>,
  emptyStatePath: string,
  consumerName?: string,
): { data?: { terraform_remote_state: Record<string, object> } } {
  const reads = remoteStateReads(consumer, consumerName);
  if (!reads.length) return {};
  return {
    data: {
      terraform_remote_state: Object.fromEntries(
        reads.map((read) => {
          const producer = producers[read.producer];
          if (!producer) {
            throw new Error(
              `${consumerName ?? 'the stack'} reads stack ${read.producer} (data.terraform_remote_state.${read.dataName}), whose synthesized configuration was not given; the offline plan never reads a real state`,
            );
          }
          return [
            read.dataName,
            {
              backend: 'local',
              config: { path: emptyStatePath },
              workspace: 'default',
              defaults: placeholderOutputs(read.producer, producer, read.outputs),
            },
          ];
        }),
      ),
    },
  };
}

/**
 * The synthesized file (`cdk.tf.json`) of every stack a consumer (synthesized into
 * `<outdir>/stacks/<consumer>`) reads, from the same `cdktf.out` (its manifest.json names each
 * stack's file), by stack name.
 */
export function producerFiles(stackDir: string, consumer: ConsumerJson): Record<string, string> {
  const names = producersOf(consumer, path.basename(stackDir));
  if (!names.length) return {};
  const outdir = path.resolve(stackDir, '..', '..');
  const file = manifestFile(outdir);
  if (!existsSync(file)) {
    throw new Error(
      `${stackDir} reads stacks ${names.join(', ')} but ${file} does not exist; synthesize the whole app`,
    );
  }
  const manifest = readSynthesizedManifest(outdir);
  return Object.fromEntries(
    names.map((name) => {
      const entry = manifest.stacks[name];
      if (!entry) {
        throw new Error(
          `${path.basename(stackDir)} reads stack ${name}, which ${file} does not list (stacks: ${Object.keys(manifest.stacks).join(', ')})`,
        );
      }
      return [name, path.join(outdir, entry.synthesizedStackPath)];
    }),
  );
}

/** The synthesized JSON of every stack a consumer reads (see producerFiles), by stack name. */
export function loadProducers(stackDir: string, consumer: ConsumerJson): Record<string, ProducerJson> {
  return Object.fromEntries(
    Object.entries(producerFiles(stackDir, consumer)).map(([name, file]) => [
      name,
      JSON.parse(readFileSync(file, 'utf8')) as ProducerJson,
    ]),
  );
}
