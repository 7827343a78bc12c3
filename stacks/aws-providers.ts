import { TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { providerAlias } from '../settings/regions';
import { Settings } from '../settings/schema';

/**
 * One AWS provider per region in `stack`, aliased after the region (`aws.us_east_1`, …), limited
 * to the settings' account and tagging every resource with the environment's tags.
 */
export function awsProviders(
  stack: TerraformStack,
  settings: Settings,
  regionNames: Iterable<string>,
): Map<string, AwsProvider> {
  const providers = new Map<string, AwsProvider>();
  for (const regionName of regionNames) {
    const alias = providerAlias(regionName);
    providers.set(
      regionName,
      new AwsProvider(stack, `aws_${alias}`, {
        alias,
        region: regionName,
        allowedAccountIds: settings.accountId ? [settings.accountId] : undefined,
        defaultTags: [
          {
            tags: {
              ...settings.tags,
              app: settings.app,
              environment: settings.environment,
              'managed-by': 'cdktf',
            },
          },
        ],
      }),
    );
  }
  return providers;
}
