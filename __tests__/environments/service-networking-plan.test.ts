/**
 * Service Connect and named egress at plan level, per region: who may talk to whom on which port,
 * read from the synthesized security groups and rules (test-support/security-group-flows.ts), and
 * how the ECS services, task definitions and the region's namespace are wired.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Testing } from 'cdktf';
import { PlatformStack } from '../../stacks/platform-stack';
import { buildStacks } from '../../stacks/app';
import { runAppOn } from '../../test-support/run-app';
import { loadEnvironmentSettings } from '../../settings/load';
import { securityGroupFlows } from '../../test-support/security-group-flows';
import {
  Block,
  SynthesizedJson,
  resourceAt,
  resources,
  synthJson,
  testSettings,
} from '../../test-support/synth';

const REGIONS = ['us-east-1', 'eu-west-1'];
const SFTP_REASON = 'the payment provider publishes no fixed address range for its SFTP endpoint';

/** web (/*, port 80) calls orders (/orders/*, port 8080), which offers http and reaches a database at 5432. */
function webAndOrders(change: { web?: Record<string, unknown>; orders?: Record<string, unknown> } = {}) {
  return testSettings({
    services: {
      web: {
        image: { tag: '1.0.0' },
        routing: { paths: ['/*'], priority: 100 },
        serviceConnect: { calls: ['orders'] },
        ...change.web,
      },
      orders: {
        image: { tag: '1.0.0' },
        task: { containerPort: 8080 },
        routing: { paths: ['/orders/*'], priority: 50 },
        serviceConnect: { offers: [{ portName: 'http' }] },
        egress: { database: { port: 5432, cidrs: ['10.20.0.0/16'] } },
        ...change.orders,
      },
    },
  });
}

function synth(settings: ReturnType<typeof testSettings>): SynthesizedJson {
  return synthJson(new PlatformStack(Testing.app(), 'test', { settings }));
}

/** The one resource of a type at `<region>/<suffix>` or `Services/<service>/<region>/<suffix>`. */
function at(json: SynthesizedJson, type: string, path: string): Block {
  return resourceAt(json, type, `test/${path}`);
}

/** Terraform's address of a resource: what `depends_on` lists. */
function address(json: SynthesizedJson, type: string, block: Block): string {
  const name = Object.entries(json.resource?.[type] ?? {}).find(([, b]) => b['//'] === block['//'])?.[0];
  return `${type}.${name}`;
}

const ALB = 'fargate-test-alb';
const EFS = 'fargate-test-efs';
const WEB = 'fargate-test-web-tasks';
const ORDERS = 'fargate-test-orders-tasks';

describe('Service Connect and egress, per region, from the synthesized security groups', () => {
  const json = synth(webAndOrders());

  it.each(REGIONS)(
    'in %s: web calls orders on 8080 only, orders reaches the database on 5432 only',
    (region) => {
      // GIVEN web calling orders through Service Connect, and orders with a database rule
      // WHEN the plan's security groups of the region are read THEN exactly these flows exist
      expect(securityGroupFlows(json, region)).toEqual([
        { from: '0.0.0.0/0', to: ALB, protocol: 'tcp', ports: '80', sides: 'ingress' },
        { from: ALB, to: ORDERS, protocol: 'tcp', ports: '8080', sides: 'both' },
        { from: ALB, to: WEB, protocol: 'tcp', ports: '80', sides: 'both' },
        { from: ORDERS, to: '0.0.0.0/0', protocol: 'tcp', ports: '443', sides: 'egress' },
        { from: ORDERS, to: '10.20.0.0/16', protocol: 'tcp', ports: '5432', sides: 'egress' },
        { from: ORDERS, to: EFS, protocol: 'tcp', ports: '2049', sides: 'both' },
        { from: WEB, to: '0.0.0.0/0', protocol: 'tcp', ports: '443', sides: 'egress' },
        { from: WEB, to: EFS, protocol: 'tcp', ports: '2049', sides: 'both' },
        // the call: web's egress and orders' ingress, the two security groups, nothing else
        { from: WEB, to: ORDERS, protocol: 'tcp', ports: '8080', sides: 'both' },
      ]);
    },
  );

  it.each(REGIONS)('in %s: one Cloud Map HTTP namespace, <app>-<env>, on the region’s provider', (region) => {
    const namespaces = resources(json, 'aws_service_discovery_http_namespace').filter((n) =>
      n.path.startsWith(`test/${region}/`),
    );
    expect(namespaces).toEqual([
      expect.objectContaining({
        name: 'fargate-test',
        path: `test/${region}/ServiceConnectNamespace`,
        provider: `aws.${region.replace(/-/g, '_')}`,
      }),
    ]);
  });

  it.each(REGIONS)(
    'in %s: orders serves http as orders:8080, web is a client, both log the proxy to their own log group',
    (region) => {
      const namespace = `\${${address(json, 'aws_service_discovery_http_namespace', at(json, 'aws_service_discovery_http_namespace', `${region}/ServiceConnectNamespace`))}.arn}`;
      const logs = (service: string) => ({
        log_driver: 'awslogs',
        options: {
          'awslogs-group': `\${${address(json, 'aws_cloudwatch_log_group', at(json, 'aws_cloudwatch_log_group', `Services/${service}/${region}/Service/Task/LogGroup`))}.name}`,
          'awslogs-region': region,
          'awslogs-stream-prefix': 'service-connect',
        },
      });
      const orders = at(json, 'aws_ecs_service', `Services/orders/${region}/Service/Service`);
      const web = at(json, 'aws_ecs_service', `Services/web/${region}/Service/Service`);
      expect(orders.service_connect_configuration).toEqual({
        enabled: true,
        namespace,
        log_configuration: logs('orders'),
        service: [
          {
            port_name: 'http',
            discovery_name: 'orders-http',
            client_alias: { dns_name: 'orders', port: 8080 },
          },
        ],
      });
      expect(web.service_connect_configuration).toEqual({
        enabled: true,
        namespace,
        log_configuration: logs('web'),
      });
    },
  );

  it.each(REGIONS)(
    'in %s: the port mapping carries the offered port’s name and protocol; a caller’s does not',
    (region) => {
      const mappings = (service: string) =>
        (
          JSON.parse(
            String(
              at(json, 'aws_ecs_task_definition', `Services/${service}/${region}/Service/Task/TaskDefinition`)
                .container_definitions,
            ),
          ) as Array<{ portMappings: unknown }>
        )[0].portMappings;
      expect(mappings('orders')).toEqual([
        { containerPort: 8080, protocol: 'tcp', name: 'http', appProtocol: 'http' },
      ]);
      expect(mappings('web')).toEqual([{ containerPort: 80, protocol: 'tcp' }]);
    },
  );

  it.each(REGIONS)(
    'in %s: web’s service starts after orders’ service and after its own egress to it',
    (region) => {
      const dependsOn = at(json, 'aws_ecs_service', `Services/web/${region}/Service/Service`)
        .depends_on as string[];
      const ordersService = at(json, 'aws_ecs_service', `Services/orders/${region}/Service/Service`);
      const egress = at(
        json,
        'aws_vpc_security_group_egress_rule',
        `Services/web/${region}/Calls/orders/http/Egress`,
      );
      expect(dependsOn).toEqual(
        expect.arrayContaining([
          address(json, 'aws_ecs_service', ordersService),
          address(json, 'aws_vpc_security_group_egress_rule', egress),
        ]),
      );
      // and orders starts after its database rule
      const database = at(
        json,
        'aws_vpc_security_group_egress_rule',
        `Services/orders/${region}/Egress/database/10.20.0.0_16`,
      );
      expect(ordersService.depends_on).toEqual(
        expect.arrayContaining([address(json, 'aws_vpc_security_group_egress_rule', database)]),
      );
    },
  );
});

describe('regional destinations and existing security groups', () => {
  const json = synth(
    webAndOrders({
      orders: {
        egress: {
          database: { port: 5432, cidrs: ['10.20.0.0/16'] },
          cache: {
            port: 6379,
            regions: {
              'us-east-1': { securityGroupIds: ['sg-0123456789abcdef0'] },
              'eu-west-1': { prefixListIds: ['pl-0123abcd'] },
            },
          },
          batch: {
            protocol: 'udp',
            port: 6000,
            toPort: 6010,
            regions: { 'us-east-1': { prefixListIds: ['pl-0fedcba9'] } },
          },
        },
        existingSecurityGroups: { 'us-east-1': ['sg-0aaaaaaaaaaaaaaaa'] },
      },
    }),
  );
  const ordersEgress = (region: string) =>
    securityGroupFlows(json, region).filter((flow) => flow.from === ORDERS && flow.sides === 'egress');

  it('gives each region exactly its own prefix lists and security groups, beside the CIDRs of every region', () => {
    expect(ordersEgress('us-east-1')).toEqual([
      { from: ORDERS, to: '0.0.0.0/0', protocol: 'tcp', ports: '443', sides: 'egress' },
      { from: ORDERS, to: '10.20.0.0/16', protocol: 'tcp', ports: '5432', sides: 'egress' },
      { from: ORDERS, to: 'pl-0fedcba9', protocol: 'udp', ports: '6000-6010', sides: 'egress' },
      { from: ORDERS, to: 'sg-0123456789abcdef0', protocol: 'tcp', ports: '6379', sides: 'egress' },
    ]);
    expect(ordersEgress('eu-west-1')).toEqual([
      { from: ORDERS, to: '0.0.0.0/0', protocol: 'tcp', ports: '443', sides: 'egress' },
      { from: ORDERS, to: '10.20.0.0/16', protocol: 'tcp', ports: '5432', sides: 'egress' },
      { from: ORDERS, to: 'pl-0123abcd', protocol: 'tcp', ports: '6379', sides: 'egress' },
    ]);
  });

  it('lets the tasks of a region join its existing security groups, and no other region’s', () => {
    const groups = (region: string) =>
      (
        at(json, 'aws_ecs_service', `Services/orders/${region}/Service/Service`).network_configuration as {
          security_groups: string[];
        }
      ).security_groups;
    expect(groups('us-east-1')).toEqual([
      expect.stringMatching(/^\$\{aws_security_group\..*orders_us-east-1_TaskSecurityGroup.*\.id\}$/),
      'sg-0aaaaaaaaaaaaaaaa',
    ]);
    expect(groups('eu-west-1')).toEqual([
      expect.stringMatching(/^\$\{aws_security_group\..*orders_eu-west-1_TaskSecurityGroup.*\.id\}$/),
    ]);
  });
});

describe('calls both ways, and no Service Connect', () => {
  it('orders no service before the other when two services call each other', () => {
    // GIVEN web and orders both offering and calling each other
    const json = synth(
      webAndOrders({
        web: { serviceConnect: { offers: [{ portName: 'http' }], calls: ['orders'] } },
        orders: { serviceConnect: { offers: [{ portName: 'http' }], calls: ['web'] } },
      }),
    );
    for (const region of REGIONS) {
      const web = at(json, 'aws_ecs_service', `Services/web/${region}/Service/Service`);
      const orders = at(json, 'aws_ecs_service', `Services/orders/${region}/Service/Service`);
      // THEN neither waits for the other (a cycle Terraform would refuse)
      expect(web.depends_on).not.toContain(address(json, 'aws_ecs_service', orders));
      expect(orders.depends_on).not.toContain(address(json, 'aws_ecs_service', web));
      // and the security groups admit each way on the callee's port
      expect(
        securityGroupFlows(json, region).filter(
          (f) => [WEB, ORDERS].includes(f.from) && [WEB, ORDERS].includes(f.to),
        ),
      ).toEqual([
        { from: ORDERS, to: WEB, protocol: 'tcp', ports: '80', sides: 'both' },
        { from: WEB, to: ORDERS, protocol: 'tcp', ports: '8080', sides: 'both' },
      ]);
    }
  });

  it('builds no namespace, Service Connect configuration or port name when no service uses it', () => {
    const json = synth(
      webAndOrders({
        web: { serviceConnect: undefined },
        orders: { serviceConnect: undefined, egress: undefined },
      }),
    );
    expect(resources(json, 'aws_service_discovery_http_namespace')).toEqual([]);
    for (const service of resources(json, 'aws_ecs_service'))
      expect(service.service_connect_configuration).toBeUndefined();
    expect(JSON.stringify(resources(json, 'aws_ecs_task_definition'))).not.toContain('appProtocol');
  });
});

describe('egress to the whole internet', () => {
  it('is built with its stated reason, which every synth prints as the accepted finding vpc-no-world-egress', () => {
    // GIVEN orders reaching SFTP anywhere, with a reason WHEN the app builds and synthesizes it
    const lines: string[] = [];
    const app = Testing.app();
    buildStacks(
      app,
      webAndOrders({ orders: { egress: { sftp: { port: 22, cidrs: ['0.0.0.0/0'], reason: SFTP_REASON } } } }),
      (line) => lines.push(line),
    );
    expect(() => app.synth()).not.toThrow();
    // THEN the finding is accepted in each region, with the setting and its reason
    expect(lines.filter((line) => line.includes('vpc-no-world-egress')).sort()).toEqual(
      REGIONS.map(
        (region) =>
          `policy: suppressed vpc-no-world-egress [NIST SC-7(5)] at fargate-test/Services/orders/${region}/Egress/sftp/0.0.0.0_0 (suppressed on fargate-test/Services/orders/${region}/Egress/sftp): services.orders.egress.sftp.reason: ${SFTP_REASON}`,
      ).sort(),
    );
  });
});

describe('the app over a settings file', () => {
  /** dev's settings with `sftp` to the whole internet on port 22 for its api service; `reason` when given. */
  function runDev(reason?: string): { code: number; lines: string[]; outdirExists: boolean } {
    const dev = JSON.parse(readFileSync(path.join(__dirname, '../..', 'config', 'dev.json'), 'utf8')) as {
      services: Record<string, Record<string, unknown>>;
    };
    dev.services.api.egress = { sftp: { port: 22, cidrs: ['0.0.0.0/0'], ...(reason ? { reason } : {}) } };
    // What the app prints, on either channel (its notices go to standard output).
    const { code, stdout, stderr, outdir } = runAppOn('dev', dev);
    return { code, lines: [...stderr, ...stdout], outdirExists: existsSync(outdir) };
  }

  it('refuses egress to the whole internet on port 22 without a reason, and synthesizes nothing', () => {
    const { code, lines, outdirExists } = runDev();
    expect(code).toBe(1);
    expect(lines.join('\n')).toContain(
      'services.api.egress.sftp.reason: got nothing; egress to the whole internet (0.0.0.0/0) on tcp 22 needs a stated reason',
    );
    expect(lines).toContain('Nothing was synthesized.');
    expect(outdirExists).toBe(false);
  });

  it('synthesizes it with a reason, printing the accepted finding in every region', () => {
    const { code, lines } = runDev(SFTP_REASON);
    expect(code).toBe(0);
    expect(lines.filter((line) => line.startsWith('policy: suppressed vpc-no-world-egress'))).toHaveLength(2);
  });
});

describe('the shipped prod, per region, from its synthesized security groups', () => {
  // GIVEN config/prod.json: app and the worker mailer call api through Service Connect, api reaches
  // its database on 5432, nightly is a scheduled job
  const settings = loadEnvironmentSettings({ PLATFORM_ENV: 'prod' }, path.resolve(__dirname, '../..'));
  const json = synthJson(new PlatformStack(Testing.app(), 'prod', { settings }));

  it.each(REGIONS)('in %s: who may talk to whom is exactly what the settings ask for', (region) => {
    // WHEN the plan's security groups of the region are read
    const flows = securityGroupFlows(json, region).filter(
      // every task's HTTPS and file system egress, and the load balancer's own listeners, are the baseline
      (flow) =>
        !(flow.to === '0.0.0.0/0' && flow.ports === '443') &&
        !(flow.to === 'fargate-prod-efs' || flow.from === '0.0.0.0/0' || flow.from === '::/0') &&
        !flow.from.startsWith('fargate-prod-endpoints') &&
        !flow.to.startsWith('fargate-prod-endpoints'),
    );
    // THEN exactly: the load balancer to the web services, app and mailer to api, api to its database
    expect(flows).toEqual(
      expect.arrayContaining([
        { from: 'fargate-prod-alb', to: 'fargate-prod-tasks', protocol: 'tcp', ports: '8080', sides: 'both' },
        {
          from: 'fargate-prod-alb',
          to: 'fargate-prod-api-tasks',
          protocol: 'tcp',
          ports: '8080',
          sides: 'both',
        },
        {
          from: 'fargate-prod-alb',
          to: 'fargate-prod-admin-tasks',
          protocol: 'tcp',
          ports: '8080',
          sides: 'both',
        },
        {
          from: 'fargate-prod-tasks',
          to: 'fargate-prod-api-tasks',
          protocol: 'tcp',
          ports: '8080',
          sides: 'both',
        },
        {
          from: 'fargate-prod-mailer-tasks',
          to: 'fargate-prod-api-tasks',
          protocol: 'tcp',
          ports: '8080',
          sides: 'both',
        },
        {
          from: 'fargate-prod-api-tasks',
          to: '10.100.0.0/16',
          protocol: 'tcp',
          ports: '5432',
          sides: 'egress',
        },
      ]),
    );
    expect(flows).toHaveLength(6);
  });
});
