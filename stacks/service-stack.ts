import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { PlatformService } from '../constructs/platform-service';
import { Settings } from '../settings/schema';
import { awsProviders } from './aws-providers';
import { stateBackend } from './backend';
import { requireTerraformVersion } from './terraform-version';
import { ServiceFoundation, buildServices } from './platform-services';

export interface ServiceStackProps {
  /** Validated settings of the environment. */
  readonly settings: Settings;
  /** The environment's foundation (its own stack), whose values this stack reads from its state. */
  readonly foundation: ServiceFoundation;
  /** The service this stack holds: a key of `settings.services`. */
  readonly service: string;
}

/**
 * One service of the environment in every region of its settings (stackLayout `stack-per-service`):
 * an aliased AWS provider per region, and the service at `Services/<service>/<region>`, the address
 * it has in the one-stack layout. What it uses of the foundation (cluster, network, load balancer
 * listener, file system, bucket, alarm topic, keys, repository) cdktf reads from the foundation's
 * state through `terraform_remote_state`, with the foundation's backend.
 */
export class ServiceStack extends TerraformStack {
  /** Providers keyed by region name. */
  public readonly providers: ReadonlyMap<string, AwsProvider>;
  /** The service in each region, keyed by region name. */
  public readonly regions: ReadonlyMap<string, PlatformService>;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id);
    const { settings } = props;
    if (!(props.service in settings.services)) {
      throw new Error(`ServiceStack ${id}: no service ${JSON.stringify(props.service)} in the settings`);
    }
    stateBackend(this, id, settings.backend);
    requireTerraformVersion(this);
    const providers = awsProviders(
      this,
      settings,
      settings.regions.map((region) => region.name),
    );
    this.providers = providers;
    const built = buildServices(this, props.foundation, [props.service], (region) => {
      return providers.get(region) as AwsProvider;
    });
    this.regions = built.services.get(props.service) as Map<string, PlatformService>;
  }
}
