import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { ValidationError } from './validation-error';

export interface ServiceConnectAccessProps {
  /** The provider of the services' region. */
  readonly provider: AwsProvider;
  /** The calling service's name (descriptions). */
  readonly caller: string;
  /** The calling service's tasks' security group. */
  readonly callerSecurityGroupId: string;
  /** The called service's name (descriptions). */
  readonly callee: string;
  /** The called service's tasks' security group. */
  readonly calleeSecurityGroupId: string;
  /** The ports the called service offers, by name: the proxy of each caller connects to them. */
  readonly ports: ReadonlyArray<{ readonly portName: string; readonly containerPort: number }>;
}

/**
 * One Service Connect call in one region: for each port the callee offers, an egress rule on the
 * caller's security group to the callee's, and an ingress rule on the callee's from the caller's,
 * TCP on that container port only (the callee's proxy listens there). At `<port name>/Egress` and
 * `<port name>/Ingress`.
 */
export class ServiceConnectAccess extends Construct {
  public readonly egress: VpcSecurityGroupEgressRule[] = [];
  public readonly ingress: VpcSecurityGroupIngressRule[] = [];

  constructor(scope: Construct, id: string, props: ServiceConnectAccessProps) {
    super(scope, id);
    if (props.ports.length === 0) {
      throw new ValidationError(
        'ServiceConnectAccess',
        'ports',
        [],
        `${props.callee} offers no port to call`,
      );
    }
    for (const port of props.ports) {
      const portScope = new Construct(this, port.portName);
      const description = `Service Connect: ${props.caller} calls ${props.callee} (${port.portName})`;
      const common = {
        provider: props.provider,
        description,
        ipProtocol: 'tcp',
        fromPort: port.containerPort,
        toPort: port.containerPort,
      };
      this.egress.push(
        new VpcSecurityGroupEgressRule(portScope, 'Egress', {
          ...common,
          securityGroupId: props.callerSecurityGroupId,
          referencedSecurityGroupId: props.calleeSecurityGroupId,
        }),
      );
      this.ingress.push(
        new VpcSecurityGroupIngressRule(portScope, 'Ingress', {
          ...common,
          securityGroupId: props.calleeSecurityGroupId,
          referencedSecurityGroupId: props.callerSecurityGroupId,
        }),
      );
    }
  }
}
