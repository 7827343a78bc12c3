import { Fn, TerraformOutput, TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { EcrReplicationConfiguration } from '@cdktf/provider-aws/lib/ecr-replication-configuration';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { ContainerRepository, ContainerRepositoryProps } from '../constructs/container-repository';
import {
  Block,
  SynthesizedJson,
  allBlocks,
  ref,
  resourceAt,
  resources,
  synthScopeJson,
  dataAt,
  dataRef,
} from '../test-support/synth';

type Overrides = Partial<Omit<ContainerRepositoryProps, 'provider' | 'replicaRegions'>> & {
  /** Replica region names; each gets its own provider, aliased like the app's (`eu_west_1`). */
  readonly replicas?: string[];
};

const PRIMARY = 'ContainerRepository';
/** Two services' repositories in one namespace, the way the stack names them (`<app>/<env>/<service>`). */
const NAMES = ['fargate/test/app', 'fargate/test/api'];
/** Each repository's construct scope: its name's last part. */
const SCOPES = ['app', 'api'];

function alias(region: string): string {
  return region.replace(/-/g, '_');
}

/** Builds the construct in a fresh stack: us-east-1 primary, one provider per replica region. */
function build(scope: TerraformStack, overrides: Overrides = {}): ContainerRepository {
  const { replicas = [], ...props } = overrides;
  const provider = new AwsProvider(scope, 'aws', { region: 'us-east-1', alias: 'us_east_1' });
  return new ContainerRepository(scope, PRIMARY, {
    provider,
    region: 'us-east-1',
    repositoryNames: NAMES,
    keyAlias: 'fargate-test/ecr',
    replicaRegions: replicas.map((region) => ({
      region,
      provider: new AwsProvider(scope, `aws-${region}`, { region, alias: alias(region) }),
    })),
    ...props,
  });
}

function synthRepository(overrides: Overrides = {}): SynthesizedJson {
  return synthScopeJson((scope) => build(scope as TerraformStack, overrides));
}

/** The construct alone, not synthesized: for its methods and constructor errors. */
function construct(overrides: Overrides = {}): ContainerRepository {
  return build(new TerraformStack(Testing.app(), 'test'), overrides);
}

interface LifecycleRule {
  rulePriority: number;
  selection: { tagStatus: string; countType: string; countUnit?: string; countNumber: number };
  action: { type: string };
}

function lifecycleRules(policy: unknown): LifecycleRule[] {
  return (JSON.parse(String(policy)) as { rules: LifecycleRule[] }).rules;
}

const policyDocument = (json: SynthesizedJson, suffix: string): Block =>
  dataAt(json, 'aws_iam_policy_document', suffix);
const documentRef = (json: SynthesizedJson, suffix: string, attribute = 'json'): string =>
  dataRef(json, 'aws_iam_policy_document', suffix, attribute);

describe('ContainerRepository', () => {
  it('creates an immutable, scanned repository per name, each in the scope of its last part, under one key', () => {
    // GIVEN / WHEN two repositories of one namespace with the defaults
    const json = synthRepository();
    // THEN one repository per name, both encrypted with the namespace's one rotating key
    expect(resources(json, 'aws_ecr_repository')).toHaveLength(2);
    NAMES.forEach((name, index) => {
      expect(resourceAt(json, 'aws_ecr_repository', `${PRIMARY}/${SCOPES[index]}/Repository`)).toMatchObject({
        name,
        image_tag_mutability: 'IMMUTABLE',
        image_scanning_configuration: { scan_on_push: true },
        encryption_configuration: [
          { encryption_type: 'KMS', kms_key: ref(json, 'aws_kms_key', `${PRIMARY}/Key/Key`, 'arn') },
        ],
        force_delete: false,
      });
    });
    expect(resources(json, 'aws_kms_key')).toHaveLength(1);
    expect(resourceAt(json, 'aws_kms_key', `${PRIMARY}/Key/Key`)).toMatchObject({
      enable_key_rotation: true,
      description: 'ECR repositories fargate/test/*',
    });
    expect(resourceAt(json, 'aws_kms_alias', `${PRIMARY}/Key/Alias`)).toMatchObject({
      name: 'alias/fargate-test/ecr',
      target_key_id: ref(json, 'aws_kms_key', `${PRIMARY}/Key/Key`, 'key_id'),
    });
  });

  it('gives each repository its lifecycle policy: untagged images expire after 7 days, the last 30 images are kept', () => {
    // GIVEN / WHEN repositories with the default image count
    const json = synthRepository();
    // THEN one policy per repository, on that repository; the rule with tagStatus "any" has the
    // highest priority number, as ECR requires
    expect(resources(json, 'aws_ecr_lifecycle_policy')).toHaveLength(2);
    for (const scope of SCOPES) {
      const policy = resourceAt(json, 'aws_ecr_lifecycle_policy', `${PRIMARY}/${scope}/LifecyclePolicy`);
      expect(policy.repository).toBe(
        ref(json, 'aws_ecr_repository', `${PRIMARY}/${scope}/Repository`, 'name'),
      );
      expect(lifecycleRules(policy.policy)).toEqual([
        expect.objectContaining({
          rulePriority: 1,
          selection: {
            tagStatus: 'untagged',
            countType: 'sinceImagePushed',
            countUnit: 'days',
            countNumber: 7,
          },
          action: { type: 'expire' },
        }),
        expect.objectContaining({
          rulePriority: 2,
          selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 30 },
          action: { type: 'expire' },
        }),
      ]);
    }
  });

  it('keeps the given number of images in every repository', () => {
    // GIVEN / WHEN
    const json = synthRepository({ keepImageCount: 100 });
    // THEN
    for (const scope of SCOPES) {
      const rules = lifecycleRules(
        resourceAt(json, 'aws_ecr_lifecycle_policy', `${scope}/LifecyclePolicy`).policy,
      );
      expect(rules.find((rule) => rule.selection.tagStatus === 'any')?.selection.countNumber).toBe(100);
    }
  });

  it('creates no replication resources without replica regions', () => {
    // GIVEN / WHEN repositories with no replica regions
    const json = synthRepository();
    // THEN
    expect(resources(json, 'aws_ecr_replication_configuration')).toEqual([]);
    expect(resources(json, 'aws_ecr_repository_creation_template')).toEqual([]);
    expect(resources(json, 'aws_iam_role')).toEqual([]);
    expect(resources(json, 'aws_kms_key')).toHaveLength(1);
    const repository = construct();
    expect(repository.replication).toBeUndefined();
    expect(repository.replicaCreationRole).toBeUndefined();
    expect(repository.replicas).toEqual([]);
  });

  it('replicates every repository of the namespace to each replica region of the same registry', () => {
    // GIVEN / WHEN two replica regions
    const json = synthRepository({ replicas: ['eu-west-1', 'ap-southeast-2'] });
    // THEN one registry-wide configuration, on the primary region's provider, whose one filter is the
    // namespace with its slash: later services' repositories replicate too, a sibling namespace does not
    const registryId = ref(json, 'aws_ecr_repository', `${PRIMARY}/app/Repository`, 'registry_id');
    const replication = resourceAt(json, 'aws_ecr_replication_configuration', `${PRIMARY}/Replication`);
    expect(replication.provider).toBe('aws.us_east_1');
    expect(replication.replication_configuration).toEqual({
      rule: [
        {
          destination: [
            { region: 'eu-west-1', registry_id: registryId },
            { region: 'ap-southeast-2', registry_id: registryId },
          ],
          repository_filter: [{ filter: 'fargate/test/', filter_type: 'PREFIX_MATCH' }],
        },
      ],
    });
  });

  it('configures replication only once every region’s creation template exists', () => {
    // GIVEN / WHEN
    const json = synthRepository({ replicas: ['eu-west-1', 'ap-southeast-2'] });
    // THEN
    const dependsOn = resourceAt(json, 'aws_ecr_replication_configuration', 'Replication').depends_on;
    expect(dependsOn).toEqual(
      ['eu-west-1', 'ap-southeast-2'].map((region) =>
        ref(json, 'aws_ecr_repository_creation_template', `${region}/CreationTemplate`).slice(2, -4),
      ),
    );
  });

  it('gives each replica region one creation template for the namespace, as locked down as the source, on that region’s provider', () => {
    // GIVEN / WHEN
    const json = synthRepository({ replicas: ['eu-west-1', 'ap-southeast-2'], keepImageCount: 50 });
    // THEN one template per region, not per repository
    expect(resources(json, 'aws_ecr_repository_creation_template')).toHaveLength(2);
    const sourcePolicy = resourceAt(json, 'aws_ecr_lifecycle_policy', 'app/LifecyclePolicy').policy;
    for (const region of ['eu-west-1', 'ap-southeast-2']) {
      const template = resourceAt(
        json,
        'aws_ecr_repository_creation_template',
        `${PRIMARY}/${region}/CreationTemplate`,
      );
      expect(template).toMatchObject({
        provider: `aws.${alias(region)}`,
        prefix: 'fargate/test',
        applied_for: ['REPLICATION'],
        image_tag_mutability: 'IMMUTABLE',
        encryption_configuration: [
          { encryption_type: 'KMS', kms_key: ref(json, 'aws_kms_key', `${region}/Key/Key`, 'arn') },
        ],
        custom_role_arn: ref(json, 'aws_iam_role', 'ReplicaCreationRole', 'arn'),
      });
      expect(lifecycleRules(template.lifecycle_policy)).toEqual(lifecycleRules(sourcePolicy));
      expect(lifecycleRules(template.lifecycle_policy)[1].selection.countNumber).toBe(50);
    }
  });

  it('gives each replica region its own rotating key under the same alias, on that region’s provider', () => {
    // GIVEN / WHEN
    const json = synthRepository({ replicas: ['eu-west-1'] });
    // THEN
    expect(resourceAt(json, 'aws_kms_key', `${PRIMARY}/eu-west-1/Key/Key`)).toMatchObject({
      provider: 'aws.eu_west_1',
      enable_key_rotation: true,
      description: 'ECR repositories fargate/test/* (replicas in eu-west-1)',
    });
    expect(resourceAt(json, 'aws_kms_alias', `${PRIMARY}/eu-west-1/Key/Alias`)).toMatchObject({
      provider: 'aws.eu_west_1',
      name: 'alias/fargate-test/ecr',
      target_key_id: ref(json, 'aws_kms_key', 'eu-west-1/Key/Key', 'key_id'),
    });
  });

  it('uses the ROOT creation template for names without a namespace, and still replicates them', () => {
    // GIVEN / WHEN repository names with no "/": ECR matches templates by namespace only
    const names = ['orders', 'payments'];
    const json = synthRepository({ repositoryNames: names, replicas: ['eu-west-1'] });
    // THEN the ROOT template, and a replication filter that matches each repository
    expect(resourceAt(json, 'aws_ecr_repository_creation_template', 'CreationTemplate').prefix).toBe('ROOT');
    const { rule } = resourceAt(json, 'aws_ecr_replication_configuration', 'Replication')
      .replication_configuration as { rule: Array<{ repository_filter: Array<{ filter: string }> }> };
    const filters = rule.flatMap((r) => r.repository_filter.map((f) => f.filter));
    for (const name of names) {
      expect({ name, filters, matched: filters.some((filter) => name.startsWith(filter)) }).toEqual({
        name,
        filters,
        matched: true,
      });
    }
  });

  it('uses the whole namespace as the creation template prefix and the filter for nested names', () => {
    // GIVEN / WHEN
    const json = synthRepository({ repositoryNames: ['org/team/app'], replicas: ['eu-west-1'] });
    // THEN
    expect(resourceAt(json, 'aws_ecr_repository_creation_template', 'CreationTemplate').prefix).toBe(
      'org/team',
    );
    expect(
      resourceAt(json, 'aws_ecr_replication_configuration', 'Replication').replication_configuration,
    ).toMatchObject({
      rule: [{ repository_filter: [{ filter: 'org/team/', filter_type: 'PREFIX_MATCH' }] }],
    });
  });

  it('lets ECR create replicas with a role limited to these repositories and the replica keys', () => {
    // GIVEN / WHEN
    const json = synthRepository({ replicas: ['eu-west-1', 'ap-southeast-2'] });
    // THEN the role trusts ECR only
    const role = resourceAt(json, 'aws_iam_role', `${PRIMARY}/ReplicaCreationRole`);
    expect(role).toMatchObject({
      provider: 'aws.us_east_1',
      name_prefix: 'ecr-replica-fargate-test-',
      assume_role_policy: documentRef(json, 'ReplicaCreationTrust'),
    });
    expect(policyDocument(json, 'ReplicaCreationTrust').statement).toEqual([
      expect.objectContaining({
        effect: 'Allow',
        actions: ['sts:AssumeRole'],
        principals: [{ type: 'Service', identifiers: ['ecr.amazonaws.com'] }],
      }),
    ]);
    // AND its permissions name every repository's replica in every replica region, and the keys, nothing else
    const arn = (scope: string) =>
      ref(json, 'aws_ecr_repository', `${PRIMARY}/${scope}/Repository`, 'arn').slice(2, -1);
    expect(policyDocument(json, 'ReplicaCreationPermissions').statement).toEqual([
      expect.objectContaining({
        effect: 'Allow',
        actions: ['ecr:CreateRepository', 'ecr:ReplicateImage', 'ecr:TagResource'],
        resources: [
          `\${replace(${arn('app')}, ":us-east-1:", ":eu-west-1:")}`,
          `\${replace(${arn('api')}, ":us-east-1:", ":eu-west-1:")}`,
          `\${replace(${arn('app')}, ":us-east-1:", ":ap-southeast-2:")}`,
          `\${replace(${arn('api')}, ":us-east-1:", ":ap-southeast-2:")}`,
        ],
      }),
      expect.objectContaining({
        effect: 'Allow',
        actions: ['kms:CreateGrant', 'kms:RetireGrant', 'kms:DescribeKey'],
        resources: [
          ref(json, 'aws_kms_key', 'eu-west-1/Key/Key', 'arn'),
          ref(json, 'aws_kms_key', 'ap-southeast-2/Key/Key', 'arn'),
        ],
      }),
    ]);
    expect(resourceAt(json, 'aws_iam_role_policy', `${PRIMARY}/ReplicaCreationPolicy`)).toMatchObject({
      provider: 'aws.us_east_1',
      role: ref(json, 'aws_iam_role', 'ReplicaCreationRole'),
      policy: documentRef(json, 'ReplicaCreationPermissions'),
    });
    expect(
      resourceAt(json, 'aws_ecr_repository_creation_template', 'eu-west-1/CreationTemplate').depends_on,
    ).toEqual([ref(json, 'aws_iam_role_policy', 'ReplicaCreationPolicy').slice(2, -4)]);
  });

  it('keeps a region’s resource addresses when another region is removed', () => {
    // GIVEN the same repositories with two replica regions, then with the first one removed
    const before = synthRepository({ replicas: ['eu-west-1', 'ap-southeast-2'] });
    const after = synthRepository({ replicas: ['ap-southeast-2'] });
    // THEN ap-southeast-2's key and template keep their Terraform addresses
    for (const [type, suffix] of [
      ['aws_ecr_repository_creation_template', 'ap-southeast-2/CreationTemplate'],
      ['aws_kms_key', 'ap-southeast-2/Key/Key'],
      ['aws_kms_alias', 'ap-southeast-2/Key/Alias'],
    ]) {
      expect(ref(after, type, suffix)).toBe(ref(before, type, suffix));
    }
  });

  it('keeps a repository’s addresses and the shared ones when another repository is added or removed', () => {
    // GIVEN one service's repository, then a second service's added in front of it
    const before = synthRepository({ repositoryNames: ['fargate/test/api'], replicas: ['eu-west-1'] });
    const after = synthRepository({ replicas: ['eu-west-1'] });
    // THEN api's repository and policy, the key, the template and the replication keep their addresses
    for (const [type, suffix] of [
      ['aws_ecr_repository', `${PRIMARY}/api/Repository`],
      ['aws_ecr_lifecycle_policy', `${PRIMARY}/api/LifecyclePolicy`],
      ['aws_kms_key', `${PRIMARY}/Key/Key`],
      ['aws_ecr_repository_creation_template', 'eu-west-1/CreationTemplate'],
      ['aws_ecr_replication_configuration', `${PRIMARY}/Replication`],
      ['aws_iam_role', `${PRIMARY}/ReplicaCreationRole`],
    ]) {
      expect(ref(after, type, suffix)).toBe(ref(before, type, suffix));
    }
    expect(resourceAt(after, 'aws_ecr_repository', 'api/Repository').name).toBe('fargate/test/api');
  });

  it('puts the replica regions’ resources on their providers and everything else on the primary’s', () => {
    // GIVEN / WHEN
    const json = synthRepository({ replicas: ['eu-west-1', 'ap-southeast-2'] });
    // THEN key (2) + 2 repositories and policies (4) + per region key and template (6) + role (4) + replication (1)
    const blocks = allBlocks(json);
    expect(blocks).toHaveLength(17);
    for (const block of blocks) {
      const region = ['eu-west-1', 'ap-southeast-2'].find((r) => block.path.includes(`/${PRIMARY}/${r}/`));
      expect([block.path, block.provider]).toEqual([block.path, `aws.${alias(region ?? 'us-east-1')}`]);
    }
  });

  it('exposes the repositories and policies by name, the replicas, the replication configuration and the role', () => {
    // GIVEN / WHEN
    const repository = construct({ replicas: ['eu-west-1'] });
    // THEN
    expect([...repository.repositories.keys()]).toEqual(NAMES);
    expect([...repository.repositories.values()].map((r) => [r.nameInput, r.node.path])).toEqual([
      ['fargate/test/app', 'test/ContainerRepository/app/Repository'],
      ['fargate/test/api', 'test/ContainerRepository/api/Repository'],
    ]);
    expect([...repository.lifecyclePolicies.entries()].map(([name, p]) => [name, p.node.path])).toEqual([
      ['fargate/test/app', 'test/ContainerRepository/app/LifecyclePolicy'],
      ['fargate/test/api', 'test/ContainerRepository/api/LifecyclePolicy'],
    ]);
    expect(repository.key.node.path).toBe('test/ContainerRepository/Key');
    expect(repository.replicas.map((replica) => replica.region)).toEqual(['eu-west-1']);
    expect(repository.replicas[0].creationTemplate.prefixInput).toBe('fargate/test');
    expect(repository.replicas[0].key.node.path).toBe('test/ContainerRepository/eu-west-1/Key');
    expect(repository.replication).toBeInstanceOf(EcrReplicationConfiguration);
    expect(repository.replicaCreationRole).toBeInstanceOf(IamRole);
  });

  it('gives the image URI base of each repository in the primary and each replica region from the registry ID', () => {
    // GIVEN repositories replicated to eu-west-1
    const json = synthScopeJson((scope) => {
      const repository = build(scope as TerraformStack, { replicas: ['eu-west-1'] });
      // WHEN
      for (const [index, name] of NAMES.entries()) {
        for (const region of ['us-east-1', 'eu-west-1']) {
          new TerraformOutput(scope, `${SCOPES[index]}-${region}`, {
            value: repository.repositoryUrlFor(name, region),
          });
        }
      }
    });
    // THEN each URL names its own repository, with the first repository's registry ID (one registry)
    const registryId = ref(json, 'aws_ecr_repository', `${PRIMARY}/app/Repository`, 'registry_id');
    for (const scope of SCOPES) {
      const name = ref(json, 'aws_ecr_repository', `${PRIMARY}/${scope}/Repository`, 'name');
      for (const region of ['us-east-1', 'eu-west-1']) {
        expect(json.output?.[`${scope}-${region}`].value).toBe(
          `${registryId}.dkr.ecr.${region}.amazonaws.com/${name}`,
        );
      }
    }
  });

  it('knows the image URI base at plan time when given the account, which is the registry ID', () => {
    const json = synthScopeJson((scope) => {
      const repository = build(scope as TerraformStack, {
        replicas: ['eu-west-1'],
        accountId: '123456789012',
      });
      new TerraformOutput(scope, 'replica', {
        value: repository.repositoryUrlFor('fargate/test/api', 'eu-west-1'),
      });
    });
    const name = ref(json, 'aws_ecr_repository', `${PRIMARY}/api/Repository`, 'name');
    expect(json.output?.replica.value).toBe(`123456789012.dkr.ecr.eu-west-1.amazonaws.com/${name}`);
  });

  it('rejects an account ID that is not 12 digits', () => {
    expect(() => construct({ accountId: '1234' })).toThrow(
      'ContainerRepository: accountId "1234" is not allowed; use a 12-digit AWS account ID',
    );
  });

  it('rejects an image URI for a region the repositories are not in', () => {
    const repository = construct({ replicas: ['eu-west-1'] });
    expect(() => repository.repositoryUrlFor('fargate/test/app', 'ap-south-1')).toThrow(
      'ContainerRepository: region "ap-south-1" is not allowed; the repository exists in us-east-1, eu-west-1 (primary us-east-1)',
    );
  });

  it('rejects an image URI for a repository it does not manage', () => {
    const repository = construct({ replicas: ['eu-west-1'] });
    expect(() => repository.repositoryUrlFor('fargate/test/web', 'us-east-1')).toThrow(
      'ContainerRepository: repositoryName "fargate/test/web" is not allowed; one of fargate/test/app, fargate/test/api',
    );
  });

  it('rejects repository names ECR does not accept', () => {
    for (const name of ['a', 'App', 'team//app', 'app-', '-app', 'team/app/', 'x'.repeat(257)]) {
      expect(() => construct({ repositoryNames: [name] })).toThrow(
        `ContainerRepository: repositoryNames ${JSON.stringify(name)} is not allowed; use 2 to 256 characters: lowercase letters and digits, parts joined by one of . _ - and namespaces by / (e.g. team/app)`,
      );
    }
  });

  it('rejects a bad name among good ones', () => {
    expect(() => construct({ repositoryNames: ['fargate/test/app', 'fargate/test/Api'] })).toThrow(
      'ContainerRepository: repositoryNames "fargate/test/Api" is not allowed; use 2 to 256 characters',
    );
  });

  it('rejects an empty list of repository names', () => {
    expect(() => construct({ repositoryNames: [] })).toThrow(
      'ContainerRepository: repositoryNames [] is not allowed; give at least one repository name',
    );
  });

  it('rejects an unresolved repository name, with or without replica regions', () => {
    // GIVEN a name only known at plan time: the construct scopes and the template prefix derive from it
    const name = Fn.lower('Fargate/Test/App');
    for (const replicas of [[], ['eu-west-1']]) {
      expect(() => construct({ repositoryNames: [name], replicas })).toThrow(
        `ContainerRepository: repositoryNames ${JSON.stringify(name)} is not allowed; give literal names: the creation template prefix and the construct scopes derive from them`,
      );
    }
  });

  it('rejects an unresolved repository name given as a Terraform variable', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const name = new TerraformVariable(stack, 'repository_name', { type: 'string' }).stringValue;
    expect(() => build(stack, { repositoryNames: [name] })).toThrow(
      `ContainerRepository: repositoryNames ${JSON.stringify(name)} is not allowed; give literal names`,
    );
  });

  it('rejects repositories of different namespaces', () => {
    for (const [names, odd] of [
      [['fargate/test/app', 'fargate/prod/api'], 'fargate/prod/api'],
      [['fargate/test/app', 'api'], 'api'],
      [['orders', 'team/payments'], 'team/payments'],
      [['fargate/test/app', 'fargate/test/api/v2'], 'fargate/test/api/v2'],
    ] as Array<[string[], string]>) {
      expect(() => construct({ repositoryNames: names })).toThrow(
        `ContainerRepository: repositoryNames ${JSON.stringify(odd)} is not allowed; every repository must share the namespace of ${names[0]}: one creation template serves them all`,
      );
    }
  });

  it('rejects a repository name given twice', () => {
    expect(() => construct({ repositoryNames: ['fargate/test/app', 'fargate/test/app'] })).toThrow(
      'ContainerRepository: repositoryNames ["fargate/test/app","fargate/test/app"] is not allowed; each name once',
    );
  });

  it('rejects a key alias given with its alias/ prefix', () => {
    expect(() => construct({ keyAlias: 'alias/fargate-test/ecr' })).toThrow(
      'ContainerRepository: keyAlias "alias/fargate-test/ecr" is not allowed; give the alias without the alias/ prefix: letters, digits, / _ - and not starting with aws/',
    );
  });

  it('rejects a primary region that is not a region name', () => {
    expect(() => construct({ region: 'US East' })).toThrow(
      'ContainerRepository: region "US East" is not allowed; give a region name such as us-east-1',
    );
  });

  it('rejects a primary region other than its provider’s', () => {
    expect(() => construct({ region: 'us-west-2' })).toThrow(
      'ContainerRepository: region "us-west-2" is not allowed; it must be the region of its provider (us-east-1)',
    );
  });

  it('rejects an image count that is not an integer from 1 to 10000', () => {
    for (const count of [0, 10001, 2.5]) {
      expect(() => construct({ keepImageCount: count })).toThrow(
        `ContainerRepository: keepImageCount ${count} is not allowed; use an integer from 1 to 10000`,
      );
    }
  });

  it('rejects a replica region that is not a region name', () => {
    expect(() => construct({ replicas: ['Europe'] })).toThrow(
      'ContainerRepository: replicaRegions ["Europe"] is not allowed; give region names such as eu-west-1 (they name the per-region constructs)',
    );
  });

  it('rejects repeated replica regions', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const replica = new AwsProvider(stack, 'aws-eu', { region: 'eu-west-1', alias: 'eu_west_1' });
    expect(
      () =>
        new ContainerRepository(stack, PRIMARY, {
          provider: new AwsProvider(stack, 'aws', { region: 'us-east-1', alias: 'us_east_1' }),
          region: 'us-east-1',
          repositoryNames: NAMES,
          keyAlias: 'fargate-test/ecr',
          replicaRegions: [
            { region: 'eu-west-1', provider: replica },
            { region: 'eu-west-1', provider: replica },
          ],
        }),
    ).toThrow(
      'ContainerRepository: replicaRegions ["eu-west-1","eu-west-1"] is not allowed; regions must be distinct',
    );
  });

  it('rejects the primary region as a replica region', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const provider = new AwsProvider(stack, 'aws', { region: 'us-east-1', alias: 'us_east_1' });
    expect(
      () =>
        new ContainerRepository(stack, PRIMARY, {
          provider,
          region: 'us-east-1',
          repositoryNames: NAMES,
          keyAlias: 'fargate-test/ecr',
          replicaRegions: [{ region: 'us-east-1', provider }],
        }),
    ).toThrow(
      'ContainerRepository: replicaRegions ["us-east-1"] is not allowed; the primary region us-east-1 is the source, not a replica',
    );
  });

  it('rejects a replica region other than its provider’s', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    expect(
      () =>
        new ContainerRepository(stack, PRIMARY, {
          provider: new AwsProvider(stack, 'aws', { region: 'us-east-1', alias: 'us_east_1' }),
          region: 'us-east-1',
          repositoryNames: NAMES,
          keyAlias: 'fargate-test/ecr',
          replicaRegions: [
            {
              region: 'eu-west-1',
              provider: new AwsProvider(stack, 'aws-eu', { region: 'eu-central-1', alias: 'eu_central_1' }),
            },
          ],
        }),
    ).toThrow(
      'ContainerRepository: replicaRegions[0].region "eu-west-1" is not allowed; it must be the region of its provider (eu-central-1)',
    );
  });
});
