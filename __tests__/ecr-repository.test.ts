import { Fn, TerraformOutput, TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { EcrReplicationConfiguration } from '@cdktf/provider-aws/lib/ecr-replication-configuration';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { ContainerRepository, ContainerRepositoryProps } from '../constructs/ecr-repository';
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
    repositoryName: 'fargate-test/app',
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
  it('creates an immutable, scanned repository encrypted with its rotating customer-managed key', () => {
    // GIVEN / WHEN a repository with the defaults
    const json = synthRepository();
    // THEN
    expect(resourceAt(json, 'aws_ecr_repository', `${PRIMARY}/Repository`)).toMatchObject({
      name: 'fargate-test/app',
      image_tag_mutability: 'IMMUTABLE',
      image_scanning_configuration: { scan_on_push: true },
      encryption_configuration: [
        { encryption_type: 'KMS', kms_key: ref(json, 'aws_kms_key', `${PRIMARY}/Key/Key`, 'arn') },
      ],
      force_delete: false,
    });
    expect(resourceAt(json, 'aws_kms_key', `${PRIMARY}/Key/Key`)).toMatchObject({
      enable_key_rotation: true,
      description: 'ECR repository fargate-test/app',
    });
    expect(resourceAt(json, 'aws_kms_alias', `${PRIMARY}/Key/Alias`)).toMatchObject({
      name: 'alias/fargate-test/ecr',
      target_key_id: ref(json, 'aws_kms_key', `${PRIMARY}/Key/Key`, 'key_id'),
    });
  });

  it('expires untagged images after 7 days, then keeps the last 30 images of any tag status', () => {
    // GIVEN / WHEN a repository with the default image count
    const json = synthRepository();
    // THEN the rule with tagStatus "any" has the highest priority number, as ECR requires
    const policy = resourceAt(json, 'aws_ecr_lifecycle_policy', `${PRIMARY}/LifecyclePolicy`);
    expect(policy.repository).toBe(ref(json, 'aws_ecr_repository', `${PRIMARY}/Repository`, 'name'));
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
  });

  it('keeps the given number of images', () => {
    // GIVEN / WHEN
    const json = synthRepository({ keepImageCount: 100 });
    // THEN
    const rules = lifecycleRules(resourceAt(json, 'aws_ecr_lifecycle_policy', 'LifecyclePolicy').policy);
    expect(rules.find((rule) => rule.selection.tagStatus === 'any')?.selection.countNumber).toBe(100);
  });

  it('creates no replication resources without replica regions', () => {
    // GIVEN / WHEN a repository with no replica regions
    const json = synthRepository();
    // THEN
    expect(resources(json, 'aws_ecr_replication_configuration')).toEqual([]);
    expect(resources(json, 'aws_ecr_repository_creation_template')).toEqual([]);
    expect(resources(json, 'aws_iam_role')).toEqual([]);
    expect(resources(json, 'aws_kms_key')).toHaveLength(1);
    expect(construct().replication).toBeUndefined();
  });

  it('replicates only this repository to each replica region of the same registry', () => {
    // GIVEN / WHEN two replica regions
    const json = synthRepository({ replicas: ['eu-west-1', 'ap-southeast-2'] });
    // THEN one registry-wide configuration, on the primary region's provider
    const registryId = ref(json, 'aws_ecr_repository', `${PRIMARY}/Repository`, 'registry_id');
    const replication = resourceAt(json, 'aws_ecr_replication_configuration', `${PRIMARY}/Replication`);
    expect(replication.provider).toBe('aws.us_east_1');
    expect(replication.replication_configuration).toEqual({
      rule: [
        {
          destination: [
            { region: 'eu-west-1', registry_id: registryId },
            { region: 'ap-southeast-2', registry_id: registryId },
          ],
          repository_filter: [{ filter: 'fargate-test/app', filter_type: 'PREFIX_MATCH' }],
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

  it('gives each replica region a creation template as locked down as the source, on that region’s provider', () => {
    // GIVEN / WHEN
    const json = synthRepository({ replicas: ['eu-west-1', 'ap-southeast-2'], keepImageCount: 50 });
    // THEN
    const sourcePolicy = resourceAt(json, 'aws_ecr_lifecycle_policy', 'LifecyclePolicy').policy;
    for (const region of ['eu-west-1', 'ap-southeast-2']) {
      const template = resourceAt(
        json,
        'aws_ecr_repository_creation_template',
        `${PRIMARY}/${region}/CreationTemplate`,
      );
      expect(template).toMatchObject({
        provider: `aws.${alias(region)}`,
        prefix: 'fargate-test',
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
      description: 'ECR repository fargate-test/app (replica in eu-west-1)',
    });
    expect(resourceAt(json, 'aws_kms_alias', `${PRIMARY}/eu-west-1/Key/Alias`)).toMatchObject({
      provider: 'aws.eu_west_1',
      name: 'alias/fargate-test/ecr',
      target_key_id: ref(json, 'aws_kms_key', 'eu-west-1/Key/Key', 'key_id'),
    });
  });

  it('uses the ROOT creation template for a name without a namespace', () => {
    // GIVEN / WHEN a repository name with no "/": ECR matches templates by namespace only
    const json = synthRepository({ repositoryName: 'orders', replicas: ['eu-west-1'] });
    // THEN
    expect(resourceAt(json, 'aws_ecr_repository_creation_template', 'CreationTemplate').prefix).toBe('ROOT');
    expect(
      resourceAt(json, 'aws_ecr_replication_configuration', 'Replication').replication_configuration,
    ).toMatchObject({ rule: [{ repository_filter: [{ filter: 'orders', filter_type: 'PREFIX_MATCH' }] }] });
  });

  it('uses the whole namespace as the creation template prefix for a nested name', () => {
    // GIVEN / WHEN
    const json = synthRepository({ repositoryName: 'org/team/app', replicas: ['eu-west-1'] });
    // THEN
    expect(resourceAt(json, 'aws_ecr_repository_creation_template', 'CreationTemplate').prefix).toBe(
      'org/team',
    );
  });

  it('lets ECR create replicas with a role limited to this repository and the replica keys', () => {
    // GIVEN / WHEN
    const json = synthRepository({ replicas: ['eu-west-1', 'ap-southeast-2'] });
    // THEN the role trusts ECR only
    const role = resourceAt(json, 'aws_iam_role', `${PRIMARY}/ReplicaCreationRole`);
    expect(role).toMatchObject({
      provider: 'aws.us_east_1',
      name_prefix: 'ecr-replica-fargate-test-app-',
      assume_role_policy: documentRef(json, 'ReplicaCreationTrust'),
    });
    expect(policyDocument(json, 'ReplicaCreationTrust').statement).toEqual([
      expect.objectContaining({
        effect: 'Allow',
        actions: ['sts:AssumeRole'],
        principals: [{ type: 'Service', identifiers: ['ecr.amazonaws.com'] }],
      }),
    ]);
    // AND its permissions name the replica repositories and keys, nothing else
    const arn = ref(json, 'aws_ecr_repository', `${PRIMARY}/Repository`, 'arn').slice(2, -1);
    expect(policyDocument(json, 'ReplicaCreationPermissions').statement).toEqual([
      expect.objectContaining({
        effect: 'Allow',
        actions: ['ecr:CreateRepository', 'ecr:ReplicateImage', 'ecr:TagResource'],
        resources: [
          `\${replace(${arn}, ":us-east-1:", ":eu-west-1:")}`,
          `\${replace(${arn}, ":us-east-1:", ":ap-southeast-2:")}`,
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
    // GIVEN the same repository with two replica regions, then with the first one removed
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

  it('puts the replica regions’ resources on their providers and everything else on the primary’s', () => {
    // GIVEN / WHEN
    const json = synthRepository({ replicas: ['eu-west-1', 'ap-southeast-2'] });
    // THEN
    const blocks = allBlocks(json);
    expect(blocks).toHaveLength(15);
    for (const block of blocks) {
      const region = ['eu-west-1', 'ap-southeast-2'].find((r) => block.path.includes(`/${PRIMARY}/${r}/`));
      expect([block.path, block.provider]).toEqual([block.path, `aws.${alias(region ?? 'us-east-1')}`]);
    }
  });

  it('exposes the replicas, the replication configuration and the role', () => {
    // GIVEN / WHEN
    const repository = construct({ replicas: ['eu-west-1'] });
    // THEN
    expect(repository.replicas.map((replica) => replica.region)).toEqual(['eu-west-1']);
    expect(repository.replicas[0].creationTemplate.prefixInput).toBe('fargate-test');
    expect(repository.replicas[0].key.node.path).toBe('test/ContainerRepository/eu-west-1/Key');
    expect(repository.replication).toBeInstanceOf(EcrReplicationConfiguration);
    expect(repository.replicaCreationRole).toBeInstanceOf(IamRole);
  });

  it('gives the image URI base of the primary and of each replica region from the registry ID', () => {
    // GIVEN a repository replicated to eu-west-1
    const json = synthScopeJson((scope) => {
      const repository = build(scope as TerraformStack, { replicas: ['eu-west-1'] });
      // WHEN
      new TerraformOutput(scope, 'primary', { value: repository.repositoryUrlFor('us-east-1') });
      new TerraformOutput(scope, 'replica', { value: repository.repositoryUrlFor('eu-west-1') });
    });
    // THEN
    const registryId = ref(json, 'aws_ecr_repository', `${PRIMARY}/Repository`, 'registry_id');
    const name = ref(json, 'aws_ecr_repository', `${PRIMARY}/Repository`, 'name');
    expect(json.output?.primary.value).toBe(`${registryId}.dkr.ecr.us-east-1.amazonaws.com/${name}`);
    expect(json.output?.replica.value).toBe(`${registryId}.dkr.ecr.eu-west-1.amazonaws.com/${name}`);
  });

  it('knows the image URI base at plan time when given the account, which is the registry ID', () => {
    const json = synthScopeJson((scope) => {
      const repository = build(scope as TerraformStack, {
        replicas: ['eu-west-1'],
        accountId: '123456789012',
      });
      new TerraformOutput(scope, 'replica', { value: repository.repositoryUrlFor('eu-west-1') });
    });
    const name = ref(json, 'aws_ecr_repository', `${PRIMARY}/Repository`, 'name');
    expect(json.output?.replica.value).toBe(`123456789012.dkr.ecr.eu-west-1.amazonaws.com/${name}`);
  });

  it('rejects an account ID that is not 12 digits', () => {
    expect(() => construct({ accountId: '1234' })).toThrow(
      'ContainerRepository: accountId "1234" is not allowed; use a 12-digit AWS account ID',
    );
  });

  it('rejects an image URI for a region the repository is not in', () => {
    const repository = construct({ replicas: ['eu-west-1'] });
    expect(() => repository.repositoryUrlFor('ap-south-1')).toThrow(
      'ContainerRepository: region "ap-south-1" is not allowed; the repository exists in us-east-1, eu-west-1 (primary us-east-1)',
    );
  });

  it('rejects repository names ECR does not accept', () => {
    for (const name of ['a', 'App', 'team//app', 'app-', '-app', 'team/app/', 'x'.repeat(257)]) {
      expect(() => construct({ repositoryName: name })).toThrow(
        `ContainerRepository: repositoryName ${JSON.stringify(name)} is not allowed; use 2 to 256 characters: lowercase letters and digits, parts joined by one of . _ - and namespaces by / (e.g. team/app)`,
      );
    }
  });

  it('accepts an unresolved repository name without replica regions', () => {
    // GIVEN / WHEN a name only known at plan time
    const json = synthScopeJson((scope) => {
      const name = new TerraformVariable(scope, 'repository_name', { type: 'string' });
      build(scope as TerraformStack, { repositoryName: name.stringValue });
    });
    // THEN the name is left to ECR to check
    expect(resourceAt(json, 'aws_ecr_repository', 'Repository').name).toBe('${var.repository_name}');
  });

  it('rejects an unresolved repository name with replica regions', () => {
    const name = Fn.lower('Fargate-Test/App');
    expect(() => construct({ repositoryName: name, replicas: ['eu-west-1'] })).toThrow(
      `ContainerRepository: repositoryName ${JSON.stringify(name)} is not allowed; give a literal name when replicaRegions are set: the creation template prefix derives from it`,
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
          repositoryName: 'fargate-test/app',
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
          repositoryName: 'fargate-test/app',
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
          repositoryName: 'fargate-test/app',
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
