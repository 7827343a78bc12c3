import { TerraformOutput, TerraformStack } from 'cdktf';
import { networkLines } from '../settings/network-settings';
import { Settings } from '../settings/schema';

/**
 * With an existing network in some region, the stack's `network` output says, per region, what the
 * platform builds of the network there and what it leaves to the network's owner; the offline plan
 * prints it in its summary, and every synthesis prints the same lines.
 */
export function networkSummaryOutput(stack: TerraformStack, settings: Settings): TerraformOutput | undefined {
  if (!settings.regions.some((region) => region.existingNetwork)) return undefined;
  return new TerraformOutput(stack, 'network', {
    description: 'What the platform builds of each region’s network (an existing network is its owner’s)',
    value: networkLines(settings),
  });
}

/** The lines every synthesis prints about the networks, when a region uses an existing one. */
export function networkSynthLines(settings: Settings): string[] {
  if (!settings.regions.some((region) => region.existingNetwork)) return [];
  return networkLines(settings).map((line) => `network: ${settings.environment} ${line}`);
}
