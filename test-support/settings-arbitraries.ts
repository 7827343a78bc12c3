/**
 * fast-check generators of hostile settings files: valid settings with one setting broken (wrong
 * type, out of range, hostile strings, deleted, an unknown key, a duplicate region, overlapping
 * CIDRs), and files that are not a settings object at all.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { SettingsError, parseSettings } from '../settings/load';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };
export type SettingPath = ReadonlyArray<string | number>;

/** The shipped config/dev.json. */
export const DEV_SETTINGS_TEXT = readFileSync(path.resolve(__dirname, '..', 'config', 'dev.json'), 'utf8');
export const DEV_SETTINGS = JSON.parse(DEV_SETTINGS_TEXT) as JsonObject;

/** Valid dev settings that set every setting the schema knows, so every path can be broken. */
export const FULL_SETTINGS: JsonObject = {
  app: 'fargate',
  environment: 'dev',
  tier: 'development',
  accountId: '111111111111',
  regions: [
    {
      name: 'us-east-1',
      vpcCidr: '10.0.0.0/16',
      availabilityZones: ['us-east-1a', 'us-east-1b'],
      acceleratorWeight: 100,
      trafficDialPercentage: 100,
    },
    {
      name: 'eu-west-1',
      vpcCidr: '10.1.0.0/20',
      availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
      acceleratorWeight: 50,
      trafficDialPercentage: 0,
    },
  ],
  natGateways: 'perAz',
  vpcEndpoints: { enabled: true },
  logRetentionDays: 90,
  services: {
    // The single application kept under its old names, every request the other rule leaves
    app: {
      legacyNames: true,
      image: {
        repositoryUri: 'public.ecr.aws/nginx/nginx',
        tag: '1.27.0',
        digest: 'sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210',
        keepImageCount: 30,
      },
      task: {
        cpu: 512,
        memoryMiB: 1024,
        containerPort: 8080,
        healthCheckCommand: ['CMD-SHELL', 'curl -f http://localhost:8080/ || exit 1'],
        readonlyRootFilesystem: true,
        writablePaths: ['/tmp', '/var/cache/nginx'],
      },
      service: {
        desiredCount: 2,
        minCapacity: 1,
        maxCapacity: 6,
        cpuTargetPercent: 60,
        memoryTargetPercent: 70,
        scaleInCooldownSeconds: 120,
        scaleOutCooldownSeconds: 30,
        healthCheckGracePeriodSeconds: 30,
        healthCheckPath: '/healthz',
        healthCheckIntervalSeconds: 15,
        unhealthyThresholdCount: 3,
        deregistrationDelaySeconds: 10,
        enableExecuteCommand: false,
        deploymentAlarms: true,
      },
      routing: { hosts: ['app.example.com'], paths: ['/*'], priority: 50000 },
      regions: {
        'eu-west-1': {
          image: {
            tag: '1.27.1',
            digest: 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
          },
          environment: [{ name: 'LOG_LEVEL', value: 'debug' }],
        },
      },
    },
    // A service with its own names and the environment's own repository, by host and path
    api: {
      legacyNames: false,
      image: { tag: '2.0.0', keepImageCount: 10 },
      task: { cpu: 256, memoryMiB: 512, containerPort: 8081 },
      service: { desiredCount: 1, minCapacity: 1, maxCapacity: 2, healthCheckPath: '/api/health' },
      routing: { hosts: ['api.example.com'], paths: ['/v1/*'], priority: 10 },
      regions: { 'us-east-1': { image: { tag: '2.0.1' } } },
    },
  },
  efs: { throughputMode: 'provisioned', provisionedThroughputMibps: 64, transitionToIa: 'AFTER_7_DAYS' },
  domain: {
    zoneName: 'example.com',
    hostedZoneId: 'Z0123456789ABCDEFGHIJ',
    createZone: false,
    recordName: 'app',
  },
  accelerator: {
    ipAddressType: 'IPV4',
    clientAffinity: 'SOURCE_IP',
    flowLogs: true,
    flowLogsBucket: 'flow-logs-bucket',
  },
  edge: { accessLogs: true, connectionLogs: false, logExpirationDays: 90, waf: true, wafRateLimit: 500 },
  backup: {
    rules: [
      {
        name: 'DailyBackups',
        scheduleExpression: 'cron(0 5 ? * * *)',
        startWindowMinutes: 60,
        completionWindowMinutes: 180,
        deleteAfterDays: 120,
        coldStorageAfterDays: 30,
      },
    ],
    vaultLock: { minRetentionDays: 7, maxRetentionDays: 365, changeableForDays: 3 },
  },
  replication: { replicationTimeControl: true, bidirectional: true },
  alarms: {
    emails: ['ops@example.com'],
    cpuHighPercent: 90,
    memoryHighPercent: 90,
    http5xxCount: 5,
    unhealthyHostCount: 1,
    targetResponseTimeP99Seconds: 1.5,
    periodSeconds: 60,
    evaluationPeriods: 3,
  },
  failoverDrills: { enabled: true, blackholeMinutes: 15 },
  preventDestroy: false,
  // Only tier production takes reasons here (settings/production-guardrails.ts).
  productionExceptions: {},
  backend: {
    type: 's3',
    bucket: 'tf-state-bucket',
    region: 'us-east-1',
    keyPrefix: 'platform/dev',
    locking: 'dynamodb',
    dynamodbTable: 'tf-locks',
    kmsKeyId: 'alias/terraform',
  },
  stackLayout: 'one-stack',
  examples: { simpleFargate: true },
  tags: { owner: 'platform-team', 'cost-center': '1234' },
};

/**
 * A path as the settings errors print it: `regions[1].vpcCidr`, `tags["cost center"]`, a line
 * separator in a key escaped (`["\u2028"]`); a key longer than 64 characters is quoted and cut after
 * 77 (`tags["aaa...]`).
 */
export function formatSettingPath(segments: SettingPath): string {
  return segments
    .map((segment, index) => {
      if (typeof segment === 'number') return `[${segment}]`;
      if (!/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/.test(segment)) {
        // JSON, with the line separators and C1 controls JSON.stringify leaves raw escaped too
        const json = JSON.stringify(segment).replace(
          /[\u007f-\u009f\u2028\u2029]/g,
          (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
        );
        return `[${json.length > 80 ? `${json.slice(0, 77)}...` : json}]`;
      }
      return `${index === 0 ? '' : '.'}${segment}`;
    })
    .join('');
}

function isObject(value: Json | undefined): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Every path below the root, containers and leaves, array elements included. */
export function settingPaths(value: Json, prefix: SettingPath = []): SettingPath[] {
  const children: Array<[string | number, Json]> = Array.isArray(value)
    ? value.map((item, index) => [index, item])
    : isObject(value)
      ? Object.entries(value)
      : [];
  return children.flatMap(([key, child]) => [[...prefix, key], ...settingPaths(child, [...prefix, key])]);
}

export function getAt(value: Json, at: SettingPath): Json | undefined {
  return at.reduce<Json | undefined>(
    (node, key) => (node !== null && typeof node === 'object' ? (node as JsonObject)[key] : undefined),
    value,
  );
}

/** A copy of `value` with the value at `at` replaced, or removed when `replacement` is undefined. */
export function withSetting(value: Json, at: SettingPath, replacement: Json | undefined): Json {
  const copy = structuredClone(value);
  const parent = getAt(copy, at.slice(0, -1)) as JsonObject | Json[];
  const key = at[at.length - 1];
  if (Array.isArray(parent)) {
    if (replacement === undefined) parent.splice(key as number, 1);
    else parent[key as number] = replacement;
  } else if (replacement === undefined) {
    delete parent[key];
  } else {
    // defineProperty, so a "__proto__" key becomes an own key as JSON.parse makes it.
    Object.defineProperty(parent, key, {
      value: replacement,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return copy;
}

/** A cdktf string token: cdktf resolves it at synthesis as if the app had created it. */
export const CDKTF_STRING_TOKEN = '${TfToken[TOKEN.3]}';
/** A cdktf number token (cdktf encodes numeric tokens as doubles around this value). */
export const CDKTF_NUMBER_TOKEN = -1.8881545897087626e289;

const HOSTILE_STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  '\t\r\n',
  '\u001b[31mred\u001b[0m',
  '../../etc/passwd',
  '..\\..\\windows\\system32',
  '/etc/shadow',
  '$(rm -rf /)',
  '`id`',
  '; rm -rf / #',
  '| cat /etc/passwd',
  "' OR '1'='1",
  '{"app":"fargate"}',
  '[1,2,3]',
  'null',
  'true',
  '1e309',
  '0x10',
  '-1',
  '1.5',
  '10.0.0.0/16',
  '${file("/etc/passwd")}',
  '%{ for x in [1] }x%{ endfor }',
  CDKTF_STRING_TOKEN,
  '#{TfToken[TOKEN.4]}',
  '\u202e',
  '😀',
  'İstanbul',
  'ﬁ',
  '\ud800',
  '\ufeff',
  '    at Object.<anonymous> (/work/main/main.ts:1:1)',
  'Error: boom\n    at run (/work/main/stacks/app.ts:60:5)',
  'a'.repeat(10_000),
  '9'.repeat(10_000),
];

const hostileString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...HOSTILE_STRINGS), weight: 4 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 1 },
  {
    arbitrary: fc.string({ unit: fc.nat(31).map((code) => String.fromCharCode(code)), minLength: 1 }),
    weight: 1,
  },
);

const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(
    -1,
    0,
    0.5,
    1e21,
    2 ** 31,
    2 ** 53,
    2 ** 53 + 2,
    -(2 ** 53),
    Number.MAX_VALUE,
    -Number.MAX_VALUE,
    Number.MIN_VALUE,
    65536,
    CDKTF_NUMBER_TOKEN,
  ),
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

const wrongType: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(null, true, false, 0, 1, '', [], {}, [null], { '': null }),
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
);

/** Values close to a valid one: the same value slightly wrong, wrapped, stringified or repeated. */
function nearMiss(original: Json | undefined): fc.Arbitrary<Json> {
  if (typeof original === 'string') {
    return fc.constantFrom<Json>(
      `${original} `,
      ` ${original}`,
      `${original}\n`,
      `${original}\u0000`,
      original.toUpperCase(),
      original + original,
      original.slice(0, -1),
      `../${original}`,
      `${original};rm -rf /`,
      JSON.stringify(original),
      [original],
    );
  }
  if (typeof original === 'number') {
    return fc.oneof(
      fc.constantFrom<Json>(
        -original - 1,
        original + 0.5,
        original * 1e6,
        original + 1,
        original - 1,
        String(original),
        [original],
      ),
      fc.integer({ min: -1000, max: 1000 }).map((delta) => original + delta),
    );
  }
  if (typeof original === 'boolean') {
    return fc.constantFrom<Json>(String(original), original ? 1 : 0, [original], 'yes');
  }
  if (Array.isArray(original)) {
    return fc.constantFrom<Json>(
      [],
      [...original, ...original],
      original.slice(0, 1),
      [null],
      original.map((item) => [item]),
      original[0] ?? null,
      JSON.stringify(original),
    );
  }
  return fc.constantFrom<Json>({}, [], [original ?? null], JSON.stringify(original ?? null));
}

/** A value a setting should refuse (sometimes, by chance, one it accepts: check before asserting). */
export function hostileValue(original?: Json): fc.Arbitrary<Json> {
  return fc.oneof(
    { arbitrary: wrongType, weight: 3 },
    { arbitrary: hostileNumber, weight: 2 },
    { arbitrary: hostileString, weight: 3 },
    { arbitrary: nearMiss(original), weight: 4 },
  );
}

/** Key names that are not settings: typos, prototype names, unicode, path-like and very long keys. */
export const unknownKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    'vpcCird',
    'Name',
    'app ',
    '',
    ' ',
    '../../etc',
    '$(id)',
    'a.b',
    'a[0]',
    '😀',
    'k'.repeat(10_000),
  ),
  // Printable keys only: raw control characters in keys are a known gap, pinned separately.
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).filter((key) => !/\p{Cc}/u.test(key)),
);

/** One generated settings file: the settings, how they were broken and which setting was touched. */
export interface SettingsMutation {
  /** What was done, for failure messages. */
  readonly description: string;
  /** The whole settings object to write. */
  readonly settings: Json;
  /** The one setting the mutation touched, as errors print it. */
  readonly path: string;
  /** The mutation added this unknown key at `path`. */
  readonly unknownKey?: boolean;
}

/**
 * Objects keyed by names the user chooses, where a new key is a new entry (a service, a service's
 * values in a region), checked like any entry, not an unknown setting.
 */
function isNameMap(at: SettingPath): boolean {
  return (
    (at.length === 1 && at[0] === 'services') ||
    (at.length === 3 && at[0] === 'services' && at[2] === 'regions')
  );
}

function preview(value: Json): string {
  const json = JSON.stringify(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

function mutationsOf(base: JsonObject): fc.Arbitrary<SettingsMutation> {
  const paths = settingPaths(base);
  const objectPaths: SettingPath[] = [[], ...paths.filter((at) => isObject(getAt(base, at)))];
  const regions = base.regions as JsonObject[];

  const replace = fc
    .constantFrom(...paths)
    .chain((at) => hostileValue(getAt(base, at)).map((value) => ({ at, value })))
    .map(({ at, value }) => ({
      description: `set ${formatSettingPath(at)} to ${preview(value)}`,
      settings: withSetting(base, at, value),
      path: formatSettingPath(at),
    }));

  const remove = fc.constantFrom(...paths).map((at) => ({
    description: `delete ${formatSettingPath(at)}`,
    settings: withSetting(base, at, undefined),
    path: formatSettingPath(at),
  }));

  const addKey = fc
    .tuple(fc.constantFrom(...objectPaths), unknownKey, hostileValue())
    .filter(([at, key]) => !Object.prototype.hasOwnProperty.call(getAt(base, at), key))
    .map(([at, key, value]) => ({
      description: `add ${JSON.stringify(key).slice(0, 40)} = ${preview(value)} at ${formatSettingPath(at) || 'the top level'}`,
      settings: withSetting(base, [...at, key], value),
      path: formatSettingPath([...at, key]),
      unknownKey: !isNameMap(at),
    }));

  // The same region twice, with a disjoint CIDR so only the duplicate is wrong.
  const duplicateRegion = fc.nat(regions.length - 1).map((index) => ({
    description: `list regions[${index}] again as regions[${regions.length}]`,
    settings: { ...base, regions: [...regions, { ...regions[index], vpcCidr: '10.200.0.0/16' }] },
    path: `regions[${regions.length}].name`,
  }));

  // A block inside regions[0]'s 10.0.0.0/16, given to another region.
  const overlappingCidr = fc
    .record({
      prefix: fc.integer({ min: 16, max: 21 }),
      block: fc.nat(),
      region: fc.integer({ min: 1, max: regions.length - 1 }),
    })
    .map(({ prefix, block, region }) => {
      const third = (block % 2 ** (prefix - 16)) * 2 ** (24 - prefix);
      const cidr = `10.0.${third}.0/${prefix}`;
      return {
        description: `give regions[${region}] the CIDR ${cidr}, inside regions[0]'s 10.0.0.0/16`,
        settings: withSetting(base, ['regions', region, 'vpcCidr'], cidr),
        path: `regions[${region}].vpcCidr`,
      };
    });

  return fc.oneof(
    { arbitrary: replace, weight: 6 },
    { arbitrary: remove, weight: 2 },
    { arbitrary: addKey, weight: 2 },
    { arbitrary: duplicateRegion, weight: 1 },
    { arbitrary: overlappingCidr, weight: 1 },
  );
}

/** Valid settings (config/dev.json, or every setting set) with one setting broken. */
export const settingsMutation: fc.Arbitrary<SettingsMutation> = fc.oneof(
  mutationsOf(DEV_SETTINGS),
  mutationsOf(FULL_SETTINGS),
);

/** A settings file that is not JSON, or JSON that is not an object. */
export interface BrokenFile {
  readonly description: string;
  readonly text: string;
}

function parsesAsObject(text: string): boolean {
  try {
    const value = JSON.parse(text) as Json;
    return isObject(value);
  } catch {
    return false;
  }
}

export const brokenFile: fc.Arbitrary<BrokenFile> = fc.oneof(
  fc.integer({ min: 0, max: DEV_SETTINGS_TEXT.trimEnd().length - 1 }).map((length) => ({
    description: `config/dev.json cut after ${length} characters`,
    text: DEV_SETTINGS_TEXT.slice(0, length),
  })),
  fc.constantFrom<BrokenFile>(
    { description: 'an empty file', text: '' },
    { description: 'only whitespace', text: ' \n\t\r\n' },
    { description: 'null', text: 'null' },
    { description: 'an empty array', text: '[]' },
    { description: 'the settings inside an array', text: `[${DEV_SETTINGS_TEXT}]` },
    { description: 'a number', text: '42' },
    { description: 'a string', text: '"dev"' },
    { description: 'a comment line', text: `// dev\n${DEV_SETTINGS_TEXT}` },
    { description: 'a trailing comma', text: DEV_SETTINGS_TEXT.replace(/\n}\s*$/, ',\n}\n') },
    { description: 'single quotes', text: DEV_SETTINGS_TEXT.replace(/"/g, "'") },
    {
      description: 'NaN',
      text: DEV_SETTINGS_TEXT.replace('"logRetentionDays": 30', '"logRetentionDays": NaN'),
    },
    {
      description: 'Infinity',
      text: DEV_SETTINGS_TEXT.replace('"logRetentionDays": 30', '"logRetentionDays": Infinity'),
    },
    { description: 'YAML', text: 'app: fargate\nenvironment: dev\n' },
    { description: 'a NUL byte', text: '\u0000' },
    { description: 'two documents', text: `${DEV_SETTINGS_TEXT}${DEV_SETTINGS_TEXT}` },
  ),
  // Deep, but below the depth that overflows the stack (pinned separately).
  fc.integer({ min: 1, max: 1000 }).map((depth) => ({
    description: `arrays nested ${depth} deep`,
    text: '['.repeat(depth) + ']'.repeat(depth),
  })),
  (fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>)
    .filter((value) => !isObject(value))
    .map((value) => ({ description: 'JSON that is not an object', text: JSON.stringify(value) })),
  fc
    .string({ unit: 'binary', maxLength: 60 })
    .filter((text) => !parsesAsObject(text))
    .map((text) => ({ description: 'random characters', text })),
);

/** A settings object as the app reads it from a file: JSON, two spaces. */
export function settingsText(settings: unknown): string {
  return JSON.stringify(settings, null, 2);
}

/** Whether the settings validation accepts the file (the app then goes on to build the stacks). */
export function accepted(text: string): boolean {
  try {
    parseSettings(JSON.parse(text), 'dev.json');
    return true;
  } catch (error) {
    if (error instanceof SettingsError) return false;
    throw error;
  }
}
