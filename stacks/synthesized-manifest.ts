/**
 * The manifest cdktf writes at the top of a synthesized output folder (`<outdir>/manifest.json`):
 * every stack of the synthesis, its folder and file, and the stacks it reads. The app, the tools and
 * the tests read it here, so a missing or broken manifest fails the same way everywhere.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/** A stack as the manifest lists it; paths are relative to the output folder. */
export interface SynthesizedStack {
  /** The stack's name, also its key in the manifest's `stacks`. */
  readonly name: string;
  /** The stack's synthesized configuration: `stacks/<name>/cdk.tf.json`. */
  readonly synthesizedStackPath: string;
  /** The folder Terraform runs in for the stack: `stacks/<name>`. */
  readonly workingDirectory: string;
  /** Names of the stacks this one reads (through remote state); empty for none. */
  readonly dependencies: string[];
}

/** `<outdir>/manifest.json`, with the fields the project reads. */
export interface SynthesizedManifest {
  /** The cdktf version that wrote it. */
  readonly version: string;
  /** Every stack of the synthesis, by name, in the order cdktf wrote them. */
  readonly stacks: Record<string, SynthesizedStack>;
}

/** The manifest of an output folder is missing or unreadable; the message names the file. */
export class SynthesizedManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SynthesizedManifestError';
  }
}

/** Where cdktf writes the manifest of a synthesis into `outdir`. */
export function manifestFile(outdir: string): string {
  return path.join(outdir, 'manifest.json');
}

/** Reads the manifest of the synthesis in `outdir`; throws SynthesizedManifestError naming the file. */
export function readSynthesizedManifest(outdir: string): SynthesizedManifest {
  const file = manifestFile(outdir);
  if (!existsSync(file)) throw new SynthesizedManifestError(`${file}: no such file; synthesize first`);
  let manifest: { stacks?: unknown };
  try {
    manifest = JSON.parse(readFileSync(file, 'utf8')) as { stacks?: unknown };
  } catch (error) {
    throw new SynthesizedManifestError(
      `${file}: not valid JSON (${(error as Error).message}); synthesize again`,
    );
  }
  if (typeof manifest?.stacks !== 'object' || manifest.stacks === null) {
    throw new SynthesizedManifestError(`${file}: no "stacks" object; not a cdktf manifest, synthesize again`);
  }
  return manifest as SynthesizedManifest;
}
