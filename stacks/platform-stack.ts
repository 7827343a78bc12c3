import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Network } from '../constructs/network';
import { providerAlias } from '../settings/regions';
import { Settings } from '../settings/schema';
import { localStateBackend } from './backend';

export interface PlatformStackProps {
  /** Validated settings of one environment. */
  readonly settings: Settings;
}

/**
 * One environment in every region of its settings, in one Terraform configuration: an aliased AWS
 * provider per region (`aws.us_east_1`, `aws.eu_west_1`, ...), and each region's resources built
 * with that region's provider.
 */
export class PlatformStack extends TerraformStack {
  /** Providers keyed by region name; the first region of the settings is the primary. */
  public readonly providers: ReadonlyMap<string, AwsProvider>;
  /** Networks keyed by region name. */
  public readonly networks: ReadonlyMap<string, Network>;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id);
    const { settings } = props;
    const namePrefix = `${settings.app}-${settings.environment}`;
    localStateBackend(this, id);

    const providers = new Map<string, AwsProvider>();
    const networks = new Map<string, Network>();
    for (const region of settings.regions) {
      const alias = providerAlias(region.name);
      const provider = new AwsProvider(this, `aws_${alias}`, {
        alias,
        region: region.name,
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
      });
      providers.set(region.name, provider);

      const regionScope = new Construct(this, region.name);
      const network = new Network(regionScope, 'Network', {
        provider,
        namePrefix,
        vpcCidr: region.vpcCidr,
        availabilityZones: region.availabilityZones,
        natGateways: settings.natGateways,
        flowLogRetentionDays: settings.logRetentionDays,
        accountId: settings.accountId,
      });
      networks.set(region.name, network);

      new TerraformOutput(this, `${alias}_vpc_id`, {
        staticId: true,
        description: `VPC ID in ${region.name}`,
        value: network.vpc.id,
      });
      new TerraformOutput(this, `${alias}_public_subnet_ids`, {
        staticId: true,
        description: `Public (load balancer) subnet IDs in ${region.name}`,
        value: network.publicSubnets.map((subnet) => subnet.id),
      });
      new TerraformOutput(this, `${alias}_private_subnet_ids`, {
        staticId: true,
        description: `Private (task) subnet IDs in ${region.name}`,
        value: network.privateSubnets.map((subnet) => subnet.id),
      });
    }
    this.providers = providers;
    this.networks = networks;
  }
}
