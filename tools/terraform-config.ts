/**
 * `npm run terraform:config`: writes the Terraform CLI configuration the offline tooling uses (the
 * local provider mirror when the machine has one, else the registry through a plugin cache) and
 * prints the line that makes every other Terraform run use it too, `cdktf diff` and `cdktf deploy`
 * included:
 *
 *   eval "$(npm run --silent terraform:config)"
 */
import { prepareTerraform } from './terraform/offline';

const { cliConfigFile, mirror } = prepareTerraform(process.cwd());
process.stderr.write(
  mirror
    ? `# the AWS provider comes from the local mirror ${mirror}; everything else from the registry\n`
    : '# no local provider mirror found: providers come from the registry, through a plugin cache\n',
);
process.stdout.write(`export TF_CLI_CONFIG_FILE=${JSON.stringify(cliConfigFile)}\n`);
