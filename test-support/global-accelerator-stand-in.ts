/**
 * A small in-memory stand-in for AWS Global Accelerator's API (moto has none), for tests only: an
 * HTTP server that answers the JSON 1.1 operations `npm run traffic` makes (ListAccelerators,
 * ListListeners, ListEndpointGroups, DescribeEndpointGroup, UpdateEndpointGroup) over state seeded
 * from a synthesized stack's accelerator, listeners and endpoint groups. The tool reaches it only
 * through AWS_ENDPOINT_URL_GLOBAL_ACCELERATOR, as a user could point it anywhere. Every request is
 * recorded with the region and service its SigV4 credential scope names.
 */
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo, Socket, createServer as createTcpServer } from 'node:net';
import { SynthesizedJson } from './synth';

export interface StandInEndpointGroup {
  readonly region: string;
  trafficDialPercentage: number;
  readonly healthCheckPort?: number;
  readonly healthCheckProtocol?: string;
  readonly healthCheckIntervalSeconds?: number;
  readonly thresholdCount?: number;
  /** Endpoint IDs with their weights. */
  readonly endpoints: Array<{ id: string; weight: number }>;
}

export interface StandInListener {
  readonly port: number;
  readonly endpointGroups: StandInEndpointGroup[];
}

export interface StandInAccelerator {
  readonly name: string;
  readonly listeners: StandInListener[];
}

/** One request the stand-in received. */
export interface StandInCall {
  readonly operation: string;
  /** The region of the SigV4 credential scope (`us-west-2` for Global Accelerator). */
  readonly signingRegion: string;
  readonly signingService: string;
  readonly body: Record<string, unknown>;
}

type Block = Record<string, unknown>;

/**
 * The accelerator, listeners and endpoint groups a synthesized platform stack declares, with each
 * region's load balancer ARN (known only after apply) from `loadBalancerArns`.
 */
export function seedFromStack(
  stack: SynthesizedJson,
  loadBalancerArns: Record<string, string>,
): StandInAccelerator {
  const resources = (stack.resource ?? {}) as Record<string, Record<string, Block>>;
  const accelerators = Object.values(resources.aws_globalaccelerator_accelerator ?? {});
  if (accelerators.length !== 1) throw new Error(`expected one accelerator, found ${accelerators.length}`);
  const listeners = Object.entries(resources.aws_globalaccelerator_listener ?? {}).map(([id, block]) => ({
    id,
    port: (block.port_range as Array<{ from_port: number }>)[0].from_port,
  }));
  return {
    name: accelerators[0].name as string,
    listeners: listeners.map((listener) => ({
      port: listener.port,
      endpointGroups: Object.values(resources.aws_globalaccelerator_endpoint_group ?? {})
        .filter((group) => group.listener_arn === `\${aws_globalaccelerator_listener.${listener.id}.arn}`)
        .map((group) => {
          const region = group.endpoint_group_region as string;
          if (!loadBalancerArns[region]) throw new Error(`no load balancer ARN for ${region}`);
          return {
            region,
            trafficDialPercentage: group.traffic_dial_percentage as number,
            healthCheckPort: group.health_check_port as number,
            healthCheckProtocol: group.health_check_protocol as string,
            healthCheckIntervalSeconds: group.health_check_interval_seconds as number,
            thresholdCount: group.threshold_count as number,
            endpoints: (group.endpoint_configuration as Array<{ weight: number }>).map((endpoint) => ({
              id: loadBalancerArns[region],
              weight: endpoint.weight,
            })),
          };
        }),
    })),
  };
}

export interface GlobalAcceleratorStandIn {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly calls: StandInCall[];
  /** The current state (the seed, changed by UpdateEndpointGroup). */
  readonly accelerators: StandInAccelerator[];
  /** The traffic dial of every endpoint group, `<name>/<port>/<region>` → dial. */
  dials(): Record<string, number>;
  stop(): Promise<void>;
}

class ApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const ACCOUNT = '111111111111';

/** Starts the stand-in on a free loopback port. `pageSize` caps every list's page (to exercise NextToken). */
export async function startGlobalAcceleratorStandIn(
  seed: StandInAccelerator[],
  pageSize = 100,
): Promise<GlobalAcceleratorStandIn> {
  const accelerators = JSON.parse(JSON.stringify(seed)) as StandInAccelerator[];
  const acceleratorArn = (index: number) =>
    `arn:aws:globalaccelerator::${ACCOUNT}:accelerator/${String(index).padStart(8, '0')}-standin`;
  const listenerArn = (a: number, l: number) => `${acceleratorArn(a)}/listener/${String(l).padStart(8, '0')}`;
  const groupArn = (a: number, l: number, g: number) =>
    `${listenerArn(a, l)}/endpoint-group/${String(g).padStart(12, '0')}`;
  const calls: StandInCall[] = [];

  const page = <T>(items: T[], body: Record<string, unknown>, key: string) => {
    const size = Math.min(Number(body.MaxResults ?? 100), pageSize);
    const start = body.NextToken ? Number(body.NextToken) : 0;
    const next = start + size < items.length ? String(start + size) : undefined;
    return { [key]: items.slice(start, start + size), ...(next ? { NextToken: next } : {}) };
  };
  const describeGroup = (a: number, l: number, g: number) => {
    const group = accelerators[a].listeners[l].endpointGroups[g];
    return {
      EndpointGroupArn: groupArn(a, l, g),
      EndpointGroupRegion: group.region,
      TrafficDialPercentage: group.trafficDialPercentage,
      HealthCheckPort: group.healthCheckPort,
      HealthCheckProtocol: group.healthCheckProtocol,
      HealthCheckIntervalSeconds: group.healthCheckIntervalSeconds,
      ThresholdCount: group.thresholdCount,
      EndpointDescriptions: group.endpoints.map((endpoint) => ({
        EndpointId: endpoint.id,
        Weight: endpoint.weight,
        HealthState: 'HEALTHY',
        ClientIPPreservationEnabled: true,
      })),
    };
  };
  const findGroup = (arn: unknown): [number, number, number] => {
    for (const [a, accelerator] of accelerators.entries()) {
      for (const [l, listener] of accelerator.listeners.entries()) {
        for (const g of listener.endpointGroups.keys()) if (groupArn(a, l, g) === arn) return [a, l, g];
      }
    }
    throw new ApiError('EndpointGroupNotFoundException', `no endpoint group ${String(arn)}`);
  };

  const operations: Record<string, (body: Record<string, unknown>) => unknown> = {
    ListAccelerators: (body) =>
      page(
        accelerators.map((accelerator, a) => ({
          AcceleratorArn: acceleratorArn(a),
          Name: accelerator.name,
          Enabled: true,
          Status: 'DEPLOYED',
        })),
        body,
        'Accelerators',
      ),
    ListListeners: (body) => {
      const a = accelerators.findIndex((_, index) => acceleratorArn(index) === body.AcceleratorArn);
      if (a < 0)
        throw new ApiError('AcceleratorNotFoundException', `no accelerator ${String(body.AcceleratorArn)}`);
      return page(
        accelerators[a].listeners.map((listener, l) => ({
          ListenerArn: listenerArn(a, l),
          Protocol: 'TCP',
          ClientAffinity: 'NONE',
          PortRanges: [{ FromPort: listener.port, ToPort: listener.port }],
        })),
        body,
        'Listeners',
      );
    },
    ListEndpointGroups: (body) => {
      for (const [a, accelerator] of accelerators.entries()) {
        for (const [l, listener] of accelerator.listeners.entries()) {
          if (listenerArn(a, l) !== body.ListenerArn) continue;
          return page(
            listener.endpointGroups.map((_, g) => describeGroup(a, l, g)),
            body,
            'EndpointGroups',
          );
        }
      }
      throw new ApiError('ListenerNotFoundException', `no listener ${String(body.ListenerArn)}`);
    },
    DescribeEndpointGroup: (body) => ({ EndpointGroup: describeGroup(...findGroup(body.EndpointGroupArn)) }),
    UpdateEndpointGroup: (body) => {
      const [a, l, g] = findGroup(body.EndpointGroupArn);
      const dial = body.TrafficDialPercentage;
      if (dial !== undefined) {
        if (typeof dial !== 'number' || dial < 0 || dial > 100) {
          throw new ApiError(
            'InvalidArgumentException',
            `TrafficDialPercentage ${String(dial)} is not 0 to 100`,
          );
        }
        accelerators[a].listeners[l].endpointGroups[g].trafficDialPercentage = dial;
      }
      return { EndpointGroup: describeGroup(a, l, g) };
    },
  };

  const answer = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
    response.end(JSON.stringify(body));
  };
  const handle = (request: IncomingMessage, response: ServerResponse, text: string) => {
    const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(
      String(request.headers.authorization ?? ''),
    );
    const target = String(request.headers['x-amz-target'] ?? '');
    const operation = target.replace(/^GlobalAccelerator_V20180706\./, '');
    let body: Record<string, unknown> = {};
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      answer(response, 400, { __type: 'SerializationException', message: 'body is not JSON' });
      return;
    }
    calls.push({ operation, signingRegion: scope?.[1] ?? '', signingService: scope?.[2] ?? '', body });
    if (!scope) {
      answer(response, 403, { __type: 'MissingAuthenticationTokenException', message: 'not signed' });
      return;
    }
    const run = target.startsWith('GlobalAccelerator_V20180706.') ? operations[operation] : undefined;
    if (!run) {
      answer(response, 400, { __type: 'UnknownOperationException', message: `unknown ${target}` });
      return;
    }
    try {
      answer(response, 200, run(body));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      answer(response, 400, { __type: error.type, message: error.message });
    }
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => handle(request, response, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    accelerators,
    dials: () =>
      Object.fromEntries(
        accelerators.flatMap((accelerator) =>
          accelerator.listeners.flatMap((listener) =>
            listener.endpointGroups.map((group) => [
              `${accelerator.name}/${listener.port}/${group.region}`,
              group.trafficDialPercentage,
            ]),
          ),
        ),
      ),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback endpoint that accepts connections and never answers; counts the connections. */
export interface SilentEndpoint {
  readonly endpoint: string;
  /** Connections accepted so far. */
  connections(): number;
  stop(): Promise<void>;
}

export async function startSilentEndpoint(): Promise<SilentEndpoint> {
  const sockets = new Set<Socket>();
  let count = 0;
  const server = createTcpServer((socket) => {
    count += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.resume(); // read and drop whatever comes; never write
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    connections: () => count,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A loopback endpoint nothing listens on: a port taken from the system, then released. */
export async function closedEndpoint(): Promise<string> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
