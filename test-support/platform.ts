import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Testing } from 'cdktf';
import { PlatformStack } from '../stacks/platform-stack';
import { cacheKey, sharedOnce } from './run-cache';
import { SingleServiceOverrides, SynthesizedJson, synthJson, testSettings } from './synth';

const cache = new Map<string, SynthesizedJson>();

/**
 * A PlatformStack synthesized from `testSettings(overrides)`, once per distinct settings in a test
 * run: the tests only read the result, and a full platform synthesis is the slowest thing a unit
 * test does. Each test file parses its own copy of the synthesized JSON (run-cache.ts shares the
 * file between test files); within a file, tests share that copy and must not change it.
 */
export function synthPlatformOnce(overrides: SingleServiceOverrides = {}): SynthesizedJson {
  const key = JSON.stringify(overrides);
  let json = cache.get(key);
  if (!json) {
    const synthesize = () =>
      synthJson(new PlatformStack(Testing.app(), 'fargate-test', { settings: testSettings(overrides) }));
    const shared = sharedOnce(cacheKey('synthPlatformOnce', key), (dir) =>
      writeFileSync(path.join(dir, 'cdk.tf.json'), JSON.stringify(synthesize())),
    );
    json = shared
      ? (JSON.parse(readFileSync(path.join(shared, 'cdk.tf.json'), 'utf8')) as SynthesizedJson)
      : synthesize();
    cache.set(key, json);
  }
  return json;
}
