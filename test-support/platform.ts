import { Testing } from 'cdktf';
import { PlatformStack } from '../stacks/platform-stack';
import { SingleServiceOverrides, SynthesizedJson, synthJson, testSettings } from './synth';

const cache = new Map<string, SynthesizedJson>();

/**
 * A PlatformStack synthesized from `testSettings(overrides)`, once per distinct settings in a test
 * file: the tests only read the result, and a full platform synthesis is the slowest thing a unit
 * test does.
 */
export function synthPlatformOnce(overrides: SingleServiceOverrides = {}): SynthesizedJson {
  const key = JSON.stringify(overrides);
  let json = cache.get(key);
  if (!json) {
    json = synthJson(new PlatformStack(Testing.app(), 'fargate-test', { settings: testSettings(overrides) }));
    cache.set(key, json);
  }
  return json;
}
