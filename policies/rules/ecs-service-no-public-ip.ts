import { RuleCheck } from '../stack-view';

/** ECS services assign no public IP to their tasks. */
export const ecsServiceNoPublicIp: RuleCheck = {
  appliesTo: ['aws_ecs_service'],
  check(service) {
    const network = service.config.network_configuration as { assign_public_ip?: unknown } | undefined;
    if (!network) return 'not-applicable';
    return network.assign_public_ip === true ? 'non-compliant' : 'compliant';
  },
};
