/**
 * Settings of Service Connect, named egress rules and existing security groups
 * (settings/service-networking.ts): every refusal names the setting, echoes the value and says what
 * is allowed; nothing is built from refused settings.
 */
import { testSettings } from '../test-support/synth';

const WORLD_REASON = 'the payment provider publishes no fixed address range for its SFTP endpoint';

/** web (routed at /*) and orders (port 8080, /orders/*), with what `change` adds to each. */
function services(change: { web?: Record<string, unknown>; orders?: Record<string, unknown> } = {}) {
  return {
    web: { image: { tag: '1.0.0' }, routing: { paths: ['/*'], priority: 100 }, ...change.web },
    orders: {
      image: { tag: '1.0.0' },
      task: { containerPort: 8080 },
      routing: { paths: ['/orders/*'], priority: 50 },
      ...change.orders,
    },
  };
}

function errorFor(change: Parameters<typeof services>[0]): string {
  try {
    testSettings({ services: services(change) });
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the settings were accepted');
}

const offersHttp = { serviceConnect: { offers: [{ portName: 'http' }] } };
const egress = (rules: Record<string, unknown>) => ({ egress: rules });

describe('settings: Service Connect', () => {
  it('accepts web calling orders, with the defaults resolved', () => {
    // GIVEN orders offering http and web calling it WHEN parsed
    const settings = testSettings({
      services: services({ web: { serviceConnect: { calls: ['orders'] } }, orders: offersHttp }),
    });
    // THEN the offer takes the service's name, its container port and protocol http
    expect(settings.services.orders.serviceConnect).toEqual({
      offers: [{ portName: 'http', appProtocol: 'http' }],
      calls: [],
    });
    expect(settings.services.web.serviceConnect).toEqual({ offers: [], calls: ['orders'] });
  });

  it.each([
    [
      'a called service that does not exist',
      { web: { serviceConnect: { calls: ['billing'] } } },
      'services.web.serviceConnect.calls[0]: got "billing"; not a service of this environment; services: web, orders',
    ],
    [
      'a called service that offers no port',
      { web: { serviceConnect: { calls: ['orders'] } } },
      'services.web.serviceConnect.calls[0]: got "orders"; services.orders offers no port: give it serviceConnect.offers',
    ],
    [
      'a service calling itself',
      { orders: { serviceConnect: { offers: [{ portName: 'http' }], calls: ['orders'] } } },
      'services.orders.serviceConnect.calls[0]: got "orders"; a service does not call itself through Service Connect',
    ],
    [
      'a service called twice',
      { web: { serviceConnect: { calls: ['orders', 'orders'] } }, orders: offersHttp },
      'services.web.serviceConnect.calls[1]: got "orders"; listed twice',
    ],
    [
      'a port name that is not DNS-safe',
      { orders: { serviceConnect: { offers: [{ portName: 'Http_1' }] } } },
      'services.orders.serviceConnect.offers[0].portName: got "Http_1"; expected a port name: 1 to 32 lower-case letters, digits or hyphens',
    ],
    [
      'a port name used twice',
      {
        orders: {
          serviceConnect: { offers: [{ portName: 'http' }, { portName: 'http', dnsName: 'orders-v2' }] },
        },
      },
      'services.orders.serviceConnect.offers[1].portName: got "http"; each port name once in a service',
    ],
    [
      'an offered port that is not a container port',
      { orders: { serviceConnect: { offers: [{ portName: 'grpc', containerPort: 9090 }] } } },
      "services.orders.serviceConnect.offers[0].containerPort: got 9090; not a port of the service's container; its ports: 8080 (task.containerPort)",
    ],
    [
      'one container port offered under two names',
      {
        orders: {
          serviceConnect: { offers: [{ portName: 'http' }, { portName: 'api', dnsName: 'orders-api' }] },
        },
      },
      'services.orders.serviceConnect.offers[1].containerPort: got 8080; already offered as "http": a container port has one port mapping, so one name',
    ],
    [
      'a DNS name that is not one',
      { orders: { serviceConnect: { offers: [{ portName: 'http', dnsName: 'Orders_API' }] } } },
      'services.orders.serviceConnect.offers[0].dnsName: got "Orders_API"; expected a DNS name of at most 127 characters',
    ],
    [
      'two services offering the same name and port',
      {
        web: {
          task: { containerPort: 8080 },
          serviceConnect: { offers: [{ portName: 'http', dnsName: 'orders' }] },
        },
        orders: offersHttp,
      },
      'services.orders.serviceConnect.offers[0].dnsName: got "orders"; orders:8080 is already offered by services.web.serviceConnect.offers[0]; each name and port is unique in the region\'s namespace',
    ],
    [
      'an app protocol Service Connect does not know',
      { orders: { serviceConnect: { offers: [{ portName: 'http', appProtocol: 'tcp' }] } } },
      'services.orders.serviceConnect.offers[0].appProtocol: got "tcp"',
    ],
    [
      'serviceConnect with neither offers nor calls',
      { orders: { serviceConnect: {} } },
      'services.orders.serviceConnect: got {"offers":[],"calls":[]}; give offers (ports this service serves) or calls (services it calls), or leave serviceConnect out',
    ],
    [
      'an unknown key',
      { orders: { serviceConnect: { offer: [] } } },
      'services.orders.serviceConnect.offer: unknown setting "offer"; allowed here: offers, calls',
    ],
  ])('refuses %s', (_, change, message) => {
    // GIVEN the change WHEN parsed THEN refused with the setting, the value and what is allowed
    expect(errorFor(change)).toContain(message);
  });
});

describe('settings: Cloud Map names', () => {
  it('refuses two offers whose Cloud Map services (<service>-<port name>) would share a name', () => {
    // GIVEN service web offering port api-http, and service web-api offering port http
    const offering = (portName: string, dnsName: string, priority: number) => ({
      image: { tag: '1.0.0' },
      routing: { paths: [`/${dnsName}/*`], priority },
      serviceConnect: { offers: [{ portName, dnsName }] },
    });
    // WHEN parsed THEN the second is refused: both would be web-api-http
    expect(() =>
      testSettings({
        services: { web: offering('api-http', 'one', 1), 'web-api': offering('http', 'two', 2) },
      }),
    ).toThrow(
      'services.web-api.serviceConnect.offers[0].portName: got "http"; its Cloud Map service would be "web-api-http" (<service>-<port name>) like that of services.web.serviceConnect.offers[0]; Cloud Map names are unique in the namespace, so choose another port name',
    );
  });
});

describe('settings: named egress rules and existing security groups', () => {
  it('accepts a database CIDR, regional prefix lists and security groups, and existing groups', () => {
    // GIVEN orders with rules to a CIDR, a prefix list and a security group, and an existing group
    const settings = testSettings({
      services: services({
        orders: {
          ...egress({
            database: { port: 5432, cidrs: ['10.20.0.0/16', '2001:db8::/32'] },
            cache: {
              port: 6379,
              regions: {
                'us-east-1': { securityGroupIds: ['sg-0123456789abcdef0'] },
                'eu-west-1': { prefixListIds: ['pl-0123abcd'] },
              },
            },
            sftp: { port: 22, cidrs: ['0.0.0.0/0'], reason: WORLD_REASON },
          }),
          existingSecurityGroups: { 'us-east-1': ['sg-0fedcba9876543210'] },
        },
      }),
    });
    // THEN the rules keep their names, protocol tcp by default
    expect(settings.services.orders.egress?.database).toEqual({
      protocol: 'tcp',
      port: 5432,
      cidrs: ['10.20.0.0/16', '2001:db8::/32'],
      regions: {},
    });
    expect(settings.services.orders.egress?.sftp.reason).toBe(WORLD_REASON);
  });

  it.each([
    [
      'egress to the world on another port without a reason',
      egress({ sftp: { port: 22, cidrs: ['0.0.0.0/0'] } }),
      'services.orders.egress.sftp.reason: got nothing; egress to the whole internet (0.0.0.0/0) on tcp 22 needs a stated reason',
    ],
    [
      'egress to the IPv6 world on a range without a reason',
      egress({ games: { protocol: 'udp', port: 27000, toPort: 27100, cidrs: ['::/0'] } }),
      'services.orders.egress.games.reason: got nothing; egress to the whole internet (::/0) on udp 27000-27100 needs a stated reason',
    ],
    [
      'a reason on a rule that needs none',
      egress({ database: { port: 5432, cidrs: ['10.20.0.0/16'], reason: WORLD_REASON } }),
      'services.orders.egress.database.reason: got "the payment provider',
    ],
    [
      'a reason too short to say anything',
      egress({ sftp: { port: 22, cidrs: ['0.0.0.0/0'], reason: 'needed' } }),
      'services.orders.egress.sftp.reason: got "needed"; write why, one line of 20 to 500 characters',
    ],
    [
      'HTTPS to the world, which every service already has',
      egress({ https: { port: 443, cidrs: ['0.0.0.0/0'] } }),
      'services.orders.egress.https.cidrs: got ["0.0.0.0/0"]; HTTPS (TCP 443) to the internet is already allowed to every service',
    ],
    [
      'a CIDR with host bits',
      egress({ database: { port: 5432, cidrs: ['10.20.1.0/16'] } }),
      'services.orders.egress.database.cidrs[0]: got "10.20.1.0/16"; has host bits set below its prefix: give the network address',
    ],
    [
      'an IPv6 CIDR with host bits',
      egress({ database: { port: 5432, cidrs: ['2001:db8::1/64'] } }),
      'services.orders.egress.database.cidrs[0]: got "2001:db8::1/64"; has host bits set below its prefix',
    ],
    [
      'something that is not a CIDR',
      egress({ database: { port: 5432, cidrs: ['db.internal'] } }),
      'services.orders.egress.database.cidrs[0]: got "db.internal"; expected a CIDR such as 10.20.0.0/16 or 2001:db8::/32',
    ],
    [
      'an octet above 255',
      egress({ database: { port: 5432, cidrs: ['10.256.0.0/16'] } }),
      'services.orders.egress.database.cidrs[0]: got "10.256.0.0/16"; expected an IPv4 CIDR',
    ],
    [
      'a CIDR listed twice',
      egress({ database: { port: 5432, cidrs: ['10.20.0.0/16', '10.20.0.0/16'] } }),
      'services.orders.egress.database.cidrs[1]: got "10.20.0.0/16"; listed twice',
    ],
    [
      'a range that ends before it starts',
      egress({ range: { port: 6010, toPort: 6000, cidrs: ['10.20.0.0/16'] } }),
      'services.orders.egress.range.toPort: got 6000; must be at least port 6010',
    ],
    [
      'a port out of range',
      egress({ database: { port: 70000, cidrs: ['10.20.0.0/16'] } }),
      'services.orders.egress.database.port: got 70000',
    ],
    [
      'a protocol other than tcp or udp',
      egress({ everything: { protocol: 'all', port: 1, cidrs: ['10.20.0.0/16'] } }),
      'services.orders.egress.everything.protocol: got "all"',
    ],
    [
      'a rule without a destination',
      egress({ database: { port: 5432 } }),
      'services.orders.egress.database: got {"protocol":"tcp","port":5432,"cidrs":[],"regions":{}}; give at least one destination',
    ],
    [
      'a rule name that is not one',
      egress({ Database_1: { port: 5432, cidrs: ['10.20.0.0/16'] } }),
      'services.orders.egress.Database_1: got "Database_1"; expected a rule name',
    ],
    [
      'two rules opening the same port to the same destination',
      egress({
        database: { port: 5432, cidrs: ['10.20.0.0/16'] },
        replica: { port: 5432, cidrs: ['10.20.0.0/16'] },
      }),
      'services.orders.egress.replica: got "replica"; opens tcp 5432 to 10.20.0.0/16 like egress.database; EC2 refuses the same rule twice',
    ],
    [
      'a region the environment does not have',
      egress({ cache: { port: 6379, regions: { 'ap-south-1': { prefixListIds: ['pl-0123abcd'] } } } }),
      'services.orders.egress.cache.regions.ap-south-1: got {"prefixListIds":["pl-0123abcd"],"securityGroupIds":[]}; ap-south-1 is not one of the environment\'s regions (us-east-1, eu-west-1)',
    ],
    [
      'a prefix list ID that is not one',
      egress({ cache: { port: 6379, regions: { 'us-east-1': { prefixListIds: ['pl-xyz'] } } } }),
      'services.orders.egress.cache.regions.us-east-1.prefixListIds[0]: got "pl-xyz"; expected a prefix list ID, pl-…',
    ],
    [
      'a security group listed twice in a region',
      egress({
        cache: {
          port: 6379,
          regions: { 'us-east-1': { securityGroupIds: ['sg-0123abcd', 'sg-0123abcd'] } },
        },
      }),
      'services.orders.egress.cache.regions.us-east-1.securityGroupIds[1]: got "sg-0123abcd"; listed twice',
    ],
    [
      'an existing security group ID that is not one',
      { existingSecurityGroups: { 'us-east-1': ['default'] } },
      'services.orders.existingSecurityGroups.us-east-1[0]: got "default"; expected a security group ID, sg-…',
    ],
    [
      'existing security groups of a region the environment does not have',
      { existingSecurityGroups: { 'ap-south-1': ['sg-0123abcd'] } },
      'services.orders.existingSecurityGroups.ap-south-1: got ["sg-0123abcd"]; ap-south-1 is not one of the environment\'s regions',
    ],
    [
      'more existing security groups than a task takes',
      {
        existingSecurityGroups: {
          'us-east-1': ['sg-0000000a', 'sg-0000000b', 'sg-0000000c', 'sg-0000000d', 'sg-0000000e'],
        },
      },
      'services.orders.existingSecurityGroups.us-east-1: got ["sg-0000000a","sg-0000000b","sg-0000000c","sg-0000000d","sg-0000000e"]; 5 groups and the service\'s own make 6; a task takes at most 5 security groups (ECS AwsVpcConfiguration), so give at most 4',
    ],
    [
      'an existing security group listed twice',
      { existingSecurityGroups: { 'us-east-1': ['sg-0000000a', 'sg-0000000a'] } },
      'services.orders.existingSecurityGroups.us-east-1: got ["sg-0000000a","sg-0000000a"]; each security group once',
    ],
    [
      'more outbound rules than a security group takes',
      egress({
        wide: { port: 5432, cidrs: Array.from({ length: 59 }, (_, i) => `10.${i}.0.0/16`) },
      }),
      "services.orders.egress: got 59; Service Connect calls and egress destinations need 59 outbound rules beside HTTPS and NFS on the service's security group, in some region; Amazon VPC's default quota is 60 outbound rules per security group",
    ],
  ])('refuses %s', (_, orders, message) => {
    // GIVEN the change to orders WHEN parsed THEN refused with the setting, the value and what is allowed
    expect(errorFor({ orders })).toContain(message);
  });
});
