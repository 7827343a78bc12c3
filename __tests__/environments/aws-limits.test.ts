/**
 * AWS's apply-time limits (settings/aws-limits.ts) checked at synth through the app: the task
 * definition size, on the dev settings with many environment variables.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { runAppOn } from '../../test-support/run-app';

const root = path.resolve(__dirname, '../..');

describe('task definition size', () => {
  /** Runs the app on the dev settings with `variables` plain environment variables for the service `service`. */
  function synthWithVariables(variables: number, service = 'app') {
    const dev = JSON.parse(readFileSync(path.join(root, 'config', 'dev.json'), 'utf8')) as {
      services: Record<string, { task: Record<string, unknown> }>;
    };
    dev.services[service].task.environment = Array.from({ length: variables }, (_, i) => ({
      name: `SETTING_${i}`,
      value: `value-${i}-abcdefghij`,
    }));
    const { code, stderr: errors } = runAppOn('dev', dev);
    return { code, errors: errors.join('\n') };
  }

  it('refuses 3000 environment variables at synth, naming the setting, and synthesizes nothing', () => {
    const { code, errors } = synthWithVariables(3000);
    expect(code).toBe(1);
    expect(errors).toMatch(
      /^error: FargateService fargate-dev: environment "3000 variables" is not allowed; the task definition would be \d+\.\d KiB \(\d+ bytes\), of which environment variables \(services\.app\.task\.environment, services\.app\.regions\.us-east-1\.environment\) \d+\.\d KiB; AWS allows/,
    );
    expect(errors).toContain('AWS allows at most 65536 bytes (64 KiB)');
    expect(errors).toContain('into services.app.task.secrets');
    expect(errors).toContain('Nothing was synthesized.');
  });

  it('names the service whose variables are too many, by its own settings', () => {
    const { code, errors } = synthWithVariables(3000, 'api');
    expect(code).toBe(1);
    expect(errors).toMatch(
      /^error: FargateService fargate-dev-api: environment "3000 variables" is not allowed; .*, of which environment variables \(services\.api\.task\.environment, services\.api\.regions\.us-east-1\.environment\) /,
    );
    expect(errors).toContain('into services.api.task.secrets');
    expect(errors).not.toContain('services.app.');
  });

  it('synthesizes 300 environment variables', () => {
    expect(synthWithVariables(300).code).toBe(0);
  });
});
