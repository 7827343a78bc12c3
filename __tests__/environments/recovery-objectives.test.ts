/**
 * RPO and RTO per store (issue 20) in a synthesized PlatformStack: an output of the stack, one line
 * per store. How each is derived from the settings is in ../recovery-objectives.test.ts.
 */
import { synthPlatformOnce } from '../../test-support/platform';

describe('recoveryObjectives', () => {
  it('is an output of the platform stack, one line per store', () => {
    const json = synthPlatformOnce();
    const value = json.output?.recovery_objectives.value as string[];
    expect(value.map((line) => line.split(':')[0])).toEqual(['efs', 's3', 'backups', 'images']);
    expect(value[0]).toMatch(/^efs: RPO up to 24 h .*; RTO hours/);
  });
});
