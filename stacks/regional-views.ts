import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { GlobalDashboard } from '../constructs/global-dashboard';
import { MonitoredService } from '../constructs/service-dashboard';
import { RegionalPlatform } from '../constructs/regional-platform';
import { Settings } from '../settings/schema';

/**
 * The environment's global dashboard (`<app>-<env>-global`: every region side by side and the
 * accelerator's traffic) in every region but the primary too, as `<app>-<env>-global-<region>`, so the whole environment can be seen
 * from any region while one is gone (the primary's own dashboard stays where it was, at
 * `GlobalDashboard`). Each is in its region's scope (`<region>/GlobalDashboard`); the widgets name
 * their metrics' regions, so every copy shows the same data while those regions answer.
 */
export function globalDashboardsInEveryRegion(
  settings: Settings,
  platforms: ReadonlyMap<string, RegionalPlatform>,
  providerOf: (region: string) => AwsProvider,
  acceleratorArn: string,
  services: MonitoredService[],
): GlobalDashboard[] {
  return settings.regions.slice(1).map(
    (region) =>
      new GlobalDashboard(platforms.get(region.name) as RegionalPlatform, 'GlobalDashboard', {
        provider: providerOf(region.name),
        // Dashboards are global to the account: each copy needs a name of its own, or they overwrite
        // each other (the region in the name says through which region's API it is kept).
        dashboardName: `${settings.app}-${settings.environment}-global-${region.name}`,
        services,
        acceleratorArn,
      }),
  );
}
