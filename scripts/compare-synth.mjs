// Compares two synthesized outputs (cdktf.out folders) as parsed JSON: the stacks each manifest lists,
// and every stack's cdk.tf.json, where only the version stamp of the library that synthesized it may
// differ. Used by .ci/cdktn-leg to hold cdktf's and cdktn's syntheses of the same app side by side.
// Plain Node ESM, no build step.
//
//   node scripts/compare-synth.mjs <label> <cdktf.out A> <cdktf.out B>
//
// Prints one line per stack (and one for the manifest), then exits 1 if anything but a stamp differs.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the synthesizing library stamps its version: these paths may differ, nothing else. */
export const VERSION_STAMPS = {
  manifest: [['version']],
  stack: [['//', 'metadata', 'version']],
};

/** How many differing paths a line names before it says "and N more". */
const SHOWN = 5;

/**
 * The paths (as `a.b[0].c`) where two parsed JSON values differ, leaving out the given paths.
 * @param {unknown} a
 * @param {unknown} b
 * @param {string[][]} ignored
 * @returns {string[]}
 */
export function jsonDifferences(a, b, ignored = []) {
  /** @type {string[]} */
  const out = [];
  const skip = new Set(ignored.map((p) => JSON.stringify(p)));
  /** @param {unknown} x @param {unknown} y @param {string[]} at */
  const walk = (x, y, at) => {
    if (skip.has(JSON.stringify(at))) return;
    const bothObjects = typeof x === 'object' && x !== null && typeof y === 'object' && y !== null;
    if (bothObjects && Array.isArray(x) === Array.isArray(y)) {
      const keys = Array.isArray(x)
        ? [...Array(Math.max(x.length, /** @type {unknown[]} */ (y).length)).keys()].map(String)
        : [...new Set([...Object.keys(x), ...Object.keys(y)])].sort();
      for (const key of keys) {
        const has = (/** @type {object} */ o) => Object.prototype.hasOwnProperty.call(o, key);
        if (!has(x) || !has(y))
          out.push(`${render([...at, key])} (only in ${has(x) ? 'the first' : 'the second'})`);
        else
          walk(
            /** @type {Record<string, unknown>} */ (x)[key],
            /** @type {Record<string, unknown>} */ (y)[key],
            [...at, key],
          );
      }
      return;
    }
    if (!Object.is(x, y)) out.push(render(at));
  };
  walk(a, b, []);
  return out;
}

/** @param {string[]} at */
function render(at) {
  return at.map((key, i) => (/^\d+$/.test(key) ? `[${key}]` : i ? `.${key}` : key)).join('') || '(root)';
}

/** @param {unknown} value @param {string[]} at @returns {unknown} */
function pick(value, at) {
  return at.reduce(
    (v, key) => (v && typeof v === 'object' ? /** @type {Record<string, unknown>} */ (v)[key] : undefined),
    value,
  );
}

/** @param {string} file */
function readJson(file) {
  if (!existsSync(file)) throw new Error(`${file}: no such file; synthesize first`);
  return JSON.parse(readFileSync(file, 'utf8'));
}

/**
 * Compares two synthesized outputs.
 * @param {string} first a cdktf.out folder
 * @param {string} second another
 * @returns {{ name: string, same: boolean, detail: string }[]} one entry for the manifest, then one per stack either lists
 */
export function compareSynth(first, second) {
  const manifests = [first, second].map((dir) => readJson(path.join(dir, 'manifest.json')));
  const stamps = (/** @type {unknown} */ value, /** @type {string[][]} */ paths) =>
    paths.map((p) => String(pick(value, p))).join(',');
  const manifestDiffs = jsonDifferences(manifests[0], manifests[1], VERSION_STAMPS.manifest);
  const results = [
    {
      name: 'manifest.json',
      same: manifestDiffs.length === 0,
      detail: describe(manifestDiffs, manifests, VERSION_STAMPS.manifest, stamps),
    },
  ];
  /** @type {Record<string, { workingDirectory: string }>[]} */
  const stackLists = manifests.map((m) => m.stacks ?? {});
  const names = [...new Set(stackLists.flatMap((s) => Object.keys(s)))].sort();
  for (const name of names) {
    const missing = stackLists.findIndex((s) => !(name in s));
    if (missing >= 0) {
      results.push({ name, same: false, detail: `only in ${missing ? 'the first' : 'the second'} output` });
      continue;
    }
    const stacks = [first, second].map((dir, i) =>
      readJson(path.join(dir, stackLists[i][name].workingDirectory, 'cdk.tf.json')),
    );
    const diffs = jsonDifferences(stacks[0], stacks[1], VERSION_STAMPS.stack);
    const resources = Object.values(stacks[0].resource ?? {}).reduce(
      (n, byName) => n + Object.keys(/** @type {object} */ (byName)).length,
      0,
    );
    results.push({
      name,
      same: diffs.length === 0,
      detail: `${resources} resources; ${describe(diffs, stacks, VERSION_STAMPS.stack, stamps)}`,
    });
  }
  return results;
}

/**
 * @param {string[]} diffs
 * @param {unknown[]} pair
 * @param {string[][]} stampPaths
 * @param {(value: unknown, paths: string[][]) => string} stamps
 */
function describe(diffs, pair, stampPaths, stamps) {
  const [a, b] = pair.map((value) => stamps(value, stampPaths));
  const stamp = a === b ? `version stamp ${a} in both` : `version stamp ${a} -> ${b}`;
  if (!diffs.length) return `identical as parsed JSON but the ${stamp}`;
  const more = diffs.length > SHOWN ? `, and ${diffs.length - SHOWN} more` : '';
  return `${diffs.length} differences beyond the ${stamp}: ${diffs.slice(0, SHOWN).join(', ')}${more}`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [label, first, second, ...rest] = process.argv.slice(2);
  if (!second || rest.length) {
    console.error('usage: node scripts/compare-synth.mjs <label> <cdktf.out A> <cdktf.out B>');
    process.exit(2);
  }
  let results;
  try {
    results = compareSynth(first, second);
  } catch (error) {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  const width = Math.max(...results.map((r) => r.name.length));
  for (const r of results)
    console.log(`${label}  ${r.name.padEnd(width)}  ${r.same ? 'SAME' : 'DIFFERENT'}  ${r.detail}`);
  process.exit(results.every((r) => r.same) ? 0 : 1);
}
