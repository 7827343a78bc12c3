import { TerraformStack, dependable } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { PlatformService } from '../constructs/platform-service';
import { ServiceConnectAccess } from '../constructs/service-connect-access';
import { offeredPorts } from '../settings/service-networking';
import { Settings } from '../settings/schema';

/**
 * Service Connect's calls in every region, once every service is built: for each caller and each
 * service it calls, `ServiceConnectAccess` at `Services/<caller>/<region>/Calls/<callee>` (the
 * callee's offered ports, exactly, between the two security groups). A caller's ECS service is
 * created after its callees' (its tasks learn the endpoints that exist when they start), except
 * where the callee calls back, directly or not: a cycle cannot be ordered. With a stack per service
 * the access is in the caller's stack, which reads the callee's security group from the callee's
 * state (settings/stack-layout.ts refuses cycles there).
 */
export function connectServices(
  settings: Settings,
  services: ReadonlyMap<string, ReadonlyMap<string, PlatformService>>,
  providerOf: (caller: string, region: string) => AwsProvider,
): void {
  const callsOf = (name: string) => settings.services[name]?.serviceConnect?.calls ?? [];
  const reaches = (from: string, to: string, seen = new Set<string>()): boolean =>
    from === to ||
    (!seen.has(from) && (seen.add(from), callsOf(from).some((next) => reaches(next, to, seen))));
  for (const [caller, service] of Object.entries(settings.services)) {
    for (const callee of service.serviceConnect?.calls ?? []) {
      const ports = offeredPorts(callee, settings.services[callee]);
      for (const region of settings.regions) {
        const from = services.get(caller)?.get(region.name) as PlatformService;
        const to = services.get(callee)?.get(region.name) as PlatformService;
        const calls = from.node.tryFindChild('Calls') ?? new Construct(from, 'Calls');
        const access = new ServiceConnectAccess(calls, callee, {
          provider: providerOf(caller, region.name),
          caller,
          callerSecurityGroupId: from.securityGroup.id,
          callee,
          calleeSecurityGroupId: to.securityGroup.id,
          ports,
        });
        // Kind scheduled runs no ECS service and is refused Service Connect (settings/service-kinds.ts).
        const ecsService = from.service.service;
        if (!ecsService) continue;
        ecsService.dependsOn = [
          ...(ecsService.dependsOn ?? []),
          ...access.egress.map((rule) => dependable(rule)),
          // Across stacks (a stack per service) the callee's stack is applied first instead.
          ...(reaches(callee, caller) || !to.service.service || !inOneStack(from, to)
            ? []
            : [dependable(to.service.service)]),
        ];
      }
    }
  }
}

function inOneStack(a: Construct, b: Construct): boolean {
  return TerraformStack.of(a) === TerraformStack.of(b);
}
