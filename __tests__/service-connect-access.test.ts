import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { ServiceConnectAccess } from '../constructs/service-connect-access';
import { resources, synthScopeJson } from '../test-support/synth';

describe('ServiceConnectAccess', () => {
  it('opens each offered port between exactly the two security groups, both ways of the rule pair', () => {
    // GIVEN web calling orders, which offers http on 8080 and grpc on 9090
    const json = synthScopeJson((scope) => {
      const provider = new AwsProvider(scope, 'aws', { region: 'us-east-1', alias: 'us_east_1' });
      new ServiceConnectAccess(scope, 'orders', {
        provider,
        caller: 'web',
        callerSecurityGroupId: 'sg-web',
        callee: 'orders',
        calleeSecurityGroupId: 'sg-orders',
        ports: [
          { portName: 'http', containerPort: 8080 },
          { portName: 'grpc', containerPort: 9090 },
        ],
      });
    });
    const shape = (type: string) =>
      resources(json, type)
        .map((rule) => ({
          path: rule.path,
          group: rule.security_group_id,
          peer: rule.referenced_security_group_id,
          protocol: rule.ip_protocol,
          ports: [rule.from_port, rule.to_port],
          description: rule.description,
        }))
        .sort((a, b) => a.path.localeCompare(b.path));
    // THEN egress on web's group to orders' and ingress on orders' from web's, TCP on each port only
    expect(shape('aws_vpc_security_group_egress_rule')).toEqual([
      {
        path: 'test/orders/grpc/Egress',
        group: 'sg-web',
        peer: 'sg-orders',
        protocol: 'tcp',
        ports: [9090, 9090],
        description: 'Service Connect: web calls orders (grpc)',
      },
      {
        path: 'test/orders/http/Egress',
        group: 'sg-web',
        peer: 'sg-orders',
        protocol: 'tcp',
        ports: [8080, 8080],
        description: 'Service Connect: web calls orders (http)',
      },
    ]);
    expect(shape('aws_vpc_security_group_ingress_rule')).toEqual([
      {
        path: 'test/orders/grpc/Ingress',
        group: 'sg-orders',
        peer: 'sg-web',
        protocol: 'tcp',
        ports: [9090, 9090],
        description: 'Service Connect: web calls orders (grpc)',
      },
      {
        path: 'test/orders/http/Ingress',
        group: 'sg-orders',
        peer: 'sg-web',
        protocol: 'tcp',
        ports: [8080, 8080],
        description: 'Service Connect: web calls orders (http)',
      },
    ]);
    // and no CIDR anywhere
    expect(JSON.stringify(json.resource)).not.toMatch(/cidr_ipv[46]/);
  });

  it('refuses a callee that offers no port', () => {
    expect(() =>
      synthScopeJson((scope) => {
        const provider = new AwsProvider(scope, 'aws', { region: 'us-east-1' });
        new ServiceConnectAccess(scope, 'orders', {
          provider,
          caller: 'web',
          callerSecurityGroupId: 'sg-web',
          callee: 'orders',
          calleeSecurityGroupId: 'sg-orders',
          ports: [],
        });
      }),
    ).toThrow('ServiceConnectAccess: ports [] is not allowed; orders offers no port to call');
  });
});
