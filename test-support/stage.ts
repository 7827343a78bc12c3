/**
 * A third environment, "stage", that turns on what dev and prod leave off: a domain with TLS, a
 * third region (one of them on standby), a dual-stack accelerator with flow logs, full-mesh
 * replication with RTC, alarm emails, an S3 backend, ECS Exec, VPC endpoints, two web services with new names (one
 * by host, one by host and path, the second offering Service Connect to the first, with a database egress rule
 * and a FireLens log router), a queue worker, a scheduled job and the seed's 8.8 example (`fargate-stage-simple`). Planned by
 * terraform.test.ts and applied against the emulator by emulator-apply.test.ts.
 */
export const STAGE = {
  app: 'fargate',
  environment: 'stage',
  tier: 'development',
  accountId: '333333333333',
  regions: [
    { name: 'us-east-1', vpcCidr: '10.0.0.0/16', availabilityZones: ['us-east-1a', 'us-east-1b'] },
    {
      name: 'eu-west-1',
      vpcCidr: '10.1.0.0/16',
      availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      trafficDialPercentage: 0,
    },
    {
      name: 'ap-southeast-2',
      vpcCidr: '10.2.0.0/20',
      availabilityZones: ['ap-southeast-2a', 'ap-southeast-2b', 'ap-southeast-2c'],
      acceleratorWeight: 50,
    },
  ],
  services: {
    shop: {
      image: { tag: '2.3.4' },
      service: { enableExecuteCommand: true },
      routing: { hosts: ['shop.example.com'], priority: 200 },
      serviceConnect: { calls: ['cart'] },
    },
    cart: {
      image: { tag: '1.4.0' },
      service: { desiredCount: 1, minCapacity: 1, maxCapacity: 2, healthCheckPath: '/cart/health' },
      routing: { hosts: ['shop.example.com'], paths: ['/cart/*'], priority: 100 },
      // Called by shop and picker by name; reaches its database by a named egress rule; logs through FireLens
      serviceConnect: { offers: [{ portName: 'http' }] },
      egress: { 'cart-db': { protocol: 'tcp', port: 5432, cidrs: ['10.100.0.0/16'] } },
      sidecars: { logRouter: {} },
    },
    picker: {
      kind: 'worker',
      image: { tag: '0.9.0' },
      task: { healthCheckCommand: ['CMD-SHELL', 'test -f /tmp/alive || exit 1'] },
      service: { desiredCount: 1, minCapacity: 1, maxCapacity: 3 },
      queue: { name: 'fargate-stage-picks', messagesPerTask: 20 },
      serviceConnect: { calls: ['cart'] },
    },
    report: {
      kind: 'scheduled',
      image: { tag: '0.9.0' },
      schedule: { expression: 'cron(0 4 * * ? *)', timezone: 'Australia/Sydney' },
    },
  },
  examples: { simpleFargate: true },
  // VPC endpoints (on in production only): planned here and applied on the emulator, ssmmessages with ECS Exec
  vpcEndpoints: { enabled: true },
  domain: { zoneName: 'example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ', recordName: 'shop' },
  accelerator: { flowLogsBucket: 'acme-accelerator-logs', ipAddressType: 'DUAL_STACK' },
  replication: { bidirectional: true, replicationTimeControl: true },
  alarms: { emails: ['oncall@example.com'] },
  backend: { type: 's3', bucket: 'acme-tfstate', region: 'us-east-1' },
};

/**
 * The stage variant as the emulator applies it: the hosted zone created by the stack (an existing
 * zone ID cannot exist in a fresh emulator), IPv4 only (the emulator cannot serve IPv6 subnets:
 * `UNSUPPORTED_SETTINGS` in tools/emulator/gaps.ts, probed on its own), and the failover drills on
 * (a development tier leaves them off), so their roles and log groups are applied and their
 * templates probed.
 */
export const STAGE_ON_EMULATOR = {
  ...STAGE,
  failoverDrills: { enabled: true },
  domain: { zoneName: STAGE.domain.zoneName, recordName: STAGE.domain.recordName, createZone: true },
  accelerator: { ...STAGE.accelerator, ipAddressType: 'IPV4' },
};
