import { ServiceSettings, targetGroupNameOf } from './schema';

/** The names of one service's resources: every name a service has derives from here. */
export interface ResolvedServiceNames {
  /** Prefix of the service's resource names: `<app>-<env>-<service>` (legacy: `<app>-<env>`). */
  readonly prefix: string;
  /** The ECS service: `<app>-<env>-<service>` (legacy: `<app>-<env>-service`). */
  readonly ecsService: string;
  /** The target group: `<app>-<env>-<service>-<port>` (legacy: `<app>-<env>-tg-<port>`). */
  readonly targetGroup: string;
  /** The ECR repository: `<app>/<env>/<service>`. */
  readonly repository: string;
  /** The access point's root directory: `/<service>` (legacy: `/ecs`). */
  readonly fileSystemPath: string;
  /** The data bucket prefix the service may use: `<service>` (legacy: the whole bucket). */
  readonly dataPrefix?: string;
}

/**
 * Every name of service `name`. With `legacyNames` the names are those the single-service platform
 * gave its one application, so that application moves into the service without a replacement.
 */
export function serviceNames(
  settings: { app: string; environment: string },
  name: string,
  service: ServiceSettings,
): ResolvedServiceNames {
  const environment = `${settings.app}-${settings.environment}`;
  const targetGroup = targetGroupNameOf(settings, name, service);
  const repository = `${settings.app}/${settings.environment}/${name}`;
  if (service.legacyNames) {
    return {
      prefix: environment,
      ecsService: `${environment}-service`,
      targetGroup,
      repository,
      fileSystemPath: '/ecs',
    };
  }
  return {
    prefix: `${environment}-${name}`,
    ecsService: `${environment}-${name}`,
    targetGroup,
    repository,
    fileSystemPath: `/${name}`,
    dataPrefix: name,
  };
}
