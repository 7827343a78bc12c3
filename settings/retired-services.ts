/**
 * `services.<name>.retired`: a service taken out of service. Nothing of it is built any more; its
 * stateful resources (its ECR repository, its log groups) are forgotten by Terraform `removed`
 * blocks instead of destroyed (stacks/retired-services.ts). Every rule about retired services is
 * here; settings/schema.ts checks the other rules on the services that are still live.
 */
import { z } from 'zod';

export const retiredSchema = z.boolean({
  error:
    'expected true (the service is taken out of service: nothing of it is built, its repository and log groups are kept and forgotten) or false (the default)',
});

interface RetirableService {
  readonly retired: boolean;
  readonly image: { readonly repositoryUri?: string };
  readonly serviceConnect?: { readonly offers: readonly unknown[]; readonly calls: readonly string[] };
}

interface RetirableSettings {
  readonly services: Readonly<Record<string, RetirableService>>;
}

/** A problem with the settings: the path below the settings' root, the value, and what is allowed. */
export interface RetiredServiceProblem {
  readonly path: readonly PropertyKey[];
  readonly value: unknown;
  readonly message: string;
}

/** The names of the retired services, in the order of the settings. */
export function retiredNames(services: Readonly<Record<string, RetirableService>>): string[] {
  return Object.entries(services)
    .filter(([, service]) => service.retired)
    .map(([name]) => name);
}

/**
 * The settings as the rest of the checks (and everything built) see them: the live services only,
 * and their calls to retired services left out (`retiredServiceProblems` reports those).
 */
export function liveSettings<T extends RetirableSettings>(settings: T): T {
  const retired = new Set(retiredNames(settings.services));
  if (retired.size === 0) return settings;
  const services = Object.fromEntries(
    Object.entries(settings.services)
      .filter(([name]) => !retired.has(name))
      .map(([name, service]) => {
        const connect = service.serviceConnect;
        if (!connect?.calls.some((callee) => retired.has(callee))) return [name, service];
        const calls = connect.calls.filter((callee) => !retired.has(callee));
        // Those calls are refused already: what is left is checked as if they had never been written.
        const left = calls.length || connect.offers.length ? { ...connect, calls } : undefined;
        return [name, { ...service, serviceConnect: left }];
      }),
  );
  return { ...settings, services };
}

/**
 * The validated settings split in two: `services` the live ones (everything built reads these),
 * `retiredServices` the retired ones, kept whole: their construct IDs give the addresses their
 * repository and log groups had.
 */
export function splitRetiredServices<T extends RetirableSettings>(
  settings: T,
): T & { readonly retiredServices: T['services'] } {
  const retired = new Set(retiredNames(settings.services));
  return {
    ...liveSettings(settings),
    retiredServices: Object.fromEntries(
      Object.entries(settings.services).filter(([name]) => retired.has(name)),
    ),
  };
}

/**
 * What retiring asks of the other settings: no live service may still call a retired one, at least
 * one service stays live, and a retired service's repository keeps the repositories' KMS key, which
 * only exists while a live service has a repository of its own.
 */
export function retiredServiceProblems(settings: RetirableSettings): RetiredServiceProblem[] {
  const retired = retiredNames(settings.services);
  if (retired.length === 0) return [];
  const problems: RetiredServiceProblem[] = [];
  const live = Object.entries(settings.services).filter(([, service]) => !service.retired);
  for (const [name, service] of live) {
    (service.serviceConnect?.calls ?? []).forEach((callee, index) => {
      if (!retired.includes(callee)) return;
      problems.push({
        path: ['services', name, 'serviceConnect', 'calls', index],
        value: callee,
        message: `calls ${callee}, which is retired (services.${callee}.retired is true): nothing of ${callee} is built any more; remove the call, or keep ${callee} in service`,
      });
    });
  }
  if (live.length === 0) {
    problems.push({
      path: ['services'],
      value: retired,
      message:
        'every service is retired; keep at least one in service (an environment with none is torn down instead: README "Tearing down a non-production environment")',
    });
  } else if (
    !live.some(([, service]) => !service.image.repositoryUri) &&
    retired.some((name) => !settings.services[name].image.repositoryUri)
  ) {
    const kept = retired.filter((name) => !settings.services[name].image.repositoryUri);
    problems.push({
      path: ['services', kept[0], 'retired'],
      value: true,
      message: `no live service would have a repository of its own, so the repositories' KMS key would be destroyed with the last one, and the kept repository of ${kept.join(', ')} could no longer be read; keep a service with its own repository in service`,
    });
  }
  return problems;
}
