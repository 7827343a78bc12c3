/** The global dashboard in every region (issue 20): the whole environment visible while one region is gone. */
import { synthPlatformOnce } from '../../test-support/platform';
import { resources } from '../../test-support/synth';

describe('the global dashboard in every region', () => {
  it('is in the primary region as before and in every other region, with the same widgets', () => {
    // GIVEN / WHEN the default two-region platform
    const json = synthPlatformOnce();
    const dashboards = Object.fromEntries(
      resources(json, 'aws_cloudwatch_dashboard')
        .filter((d) => String(d.dashboard_name).startsWith('fargate-test-global'))
        .map((d) => [d.path, d]),
    );
    // THEN the primary's keeps its address and name, and eu-west-1 has its own copy on its own
    // provider, under a name of its own (dashboards are global to the account: one name, one dashboard)
    expect(Object.keys(dashboards).sort()).toEqual([
      'fargate-test/GlobalDashboard/Dashboard',
      'fargate-test/eu-west-1/GlobalDashboard/Dashboard',
    ]);
    expect(dashboards['fargate-test/GlobalDashboard/Dashboard'].provider).toBe('aws.us_east_1');
    expect(dashboards['fargate-test/GlobalDashboard/Dashboard'].dashboard_name).toBe('fargate-test-global');
    expect(dashboards['fargate-test/eu-west-1/GlobalDashboard/Dashboard'].dashboard_name).toBe(
      'fargate-test-global-eu-west-1',
    );
    expect(dashboards['fargate-test/eu-west-1/GlobalDashboard/Dashboard'].provider).toBe('aws.eu_west_1');
    // AND both show the same metrics of every region and of the accelerator
    expect(dashboards['fargate-test/eu-west-1/GlobalDashboard/Dashboard'].dashboard_body).toBe(
      dashboards['fargate-test/GlobalDashboard/Dashboard'].dashboard_body,
    );
  });

  it('adds no copy with one region', () => {
    const json = synthPlatformOnce({
      regions: [
        { name: 'us-east-1', vpcCidr: '10.0.0.0/16', availabilityZones: ['us-east-1a', 'us-east-1b'] },
      ],
    } as never);
    expect(
      resources(json, 'aws_cloudwatch_dashboard').filter((d) =>
        String(d.dashboard_name).startsWith('fargate-test-global'),
      ),
    ).toHaveLength(1);
  });
});
