/**
 * Runs before every `npm run deploy` (cdktf deploy): refuses a production environment
 * whose settings still hold the shipped placeholders (settings/placeholders.ts), before cdktf or
 * Terraform reaches AWS. The emulator's own deploys (`npm run emulator`, whose account is the
 * settings' placeholder by design) set PLATFORM_DEPLOY_TARGET=emulator.
 */
import {
  CONFIG_DIR_VARIABLE,
  DEFAULT_ENVIRONMENT,
  ENVIRONMENT_VARIABLE,
  loadEnvironmentSettings,
} from '../settings/load';
import { DEPLOY_TARGET_VARIABLE, placeholderDeployProblem } from '../settings/placeholders';
import { runCommand } from './command';

async function main(): Promise<number> {
  if (process.env[DEPLOY_TARGET_VARIABLE] === 'emulator') return 0;
  const settings = loadEnvironmentSettings(process.env, process.cwd());
  const problem = placeholderDeployProblem(
    settings,
    `${process.env[CONFIG_DIR_VARIABLE] || 'config'}/${process.env[ENVIRONMENT_VARIABLE] || DEFAULT_ENVIRONMENT}.json`,
  );
  if (problem) {
    console.error(`error: ${problem}`);
    return 1;
  }
  return 0;
}

runCommand(main);
