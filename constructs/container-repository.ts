import { Fn, Token } from 'cdktf';
import { Construct } from 'constructs';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { EcrLifecyclePolicy } from '@cdktf/provider-aws/lib/ecr-lifecycle-policy';
import { EcrReplicationConfiguration } from '@cdktf/provider-aws/lib/ecr-replication-configuration';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { EcrRepositoryCreationTemplate } from '@cdktf/provider-aws/lib/ecr-repository-creation-template';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { EncryptionKey } from './encryption-key';
import { ValidationError } from './validation-error';
import { assumeRolePolicy } from './assume-role-policy';

/** A region the repository is replicated to, with the provider of that region. */
export interface ContainerRepositoryReplicaRegion {
  /** Region name, e.g. `eu-west-1`; must be the region of `provider`. */
  readonly region: string;
  /** The provider of that region. */
  readonly provider: AwsProvider;
}

export interface ContainerRepositoryProps {
  /** The provider of the primary region, where images are pushed (its region must be `region`). */
  readonly provider: AwsProvider;
  /** Name of the primary region, e.g. `us-east-1`. */
  readonly region: string;
  /**
   * Repository names, one per service: 2 to 256 characters, lowercase, all in one namespace
   * (`team/env/api`, `team/env/web`); each gets its own construct scope named after its last part.
   */
  readonly repositoryNames: string[];
  /** Alias without the `alias/` prefix of the repository's KMS key; each replica region's key gets it too. */
  readonly keyAlias: string;
  /**
   * The other regions of the environment, each with its provider; ECR replicates every pushed image there.
   * @default - no replication: the repository exists in the primary region only
   */
  readonly replicaRegions?: ContainerRepositoryReplicaRegion[];
  /**
   * Images kept per region, whatever their tags (1 to 10000); older ones are expired.
   * @default 30
   */
  readonly keepImageCount?: number;
  /**
   * The account ID, which is the registry ID: with it the repository URLs are known when planning,
   * so a plan shows the image (tag or digest) each region's task definition will run.
   * @default - the repository's registry_id, known only after apply
   */
  readonly accountId?: string;
}

/** What the construct creates in one replica region. */
export interface ContainerRepositoryReplica {
  /** Region name. */
  readonly region: string;
  /** The KMS key of the replicated repository in that region. */
  readonly key: EncryptionKey;
  /** The template ECR applies when replication creates the repository in that region. */
  readonly creationTemplate: EcrRepositoryCreationTemplate;
}

const CONSTRUCT = 'ContainerRepository';
/** ECR's own repository name pattern. */
const NAME_PATTERN = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const REGION_PATTERN = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;
/** Days an untagged image (a dangling manifest, an interrupted push) is kept. */
const UNTAGGED_EXPIRY_DAYS = 7;

/**
 * The application's container image repository: created once in the primary region, replicated by
 * ECR to every other region of the environment so each region's tasks pull from their own region.
 *
 * The repository has immutable tags, scan on push, a customer-managed KMS key with rotation and a
 * lifecycle policy (untagged images expire after 7 days; only the last `keepImageCount` images are
 * kept). With replica regions, ECR creates the replicated repository on the first replicated push,
 * from a repository creation template in that region that carries the same settings, its own KMS key
 * and the same lifecycle policy, so replicas are as locked down as the source.
 *
 * Assumptions:
 * - The replication configuration (`aws_ecr_replication_configuration`) is registry-wide: one per
 *   account per source region. This construct owns it, so one `ContainerRepository` with replica
 *   regions per account and primary region; another replication configuration in the same registry
 *   would overwrite this one and be overwritten back.
 * - Its rule filters on the namespace as a prefix (`PREFIX_MATCH` on `team/env/`): every repository
 *   of the namespace replicates, those added later included; names without a namespace are
 *   filtered one by one (`orders` then also matches `orders-worker`).
 * - Creation-template prefixes are namespaces (ECR appends `/`): a namespaced name `team/app` gets a
 *   template for `team`, an un-namespaced name the `ROOT` template, which applies to every repository
 *   ECR creates by replication in that region without a more specific template. Templates only apply
 *   to repositories created after them, so replication waits for them.
 * - Only images pushed after replication is configured are replicated.
 */
export class ContainerRepository extends Construct {
  /** The repositories in the primary region, by name. */
  public readonly repositories: ReadonlyMap<string, EcrRepository>;
  /** The key that encrypts every repository of the namespace in the primary region. */
  public readonly key: EncryptionKey;
  /** The lifecycle policies in the primary region, by repository name. */
  public readonly lifecyclePolicies: ReadonlyMap<string, EcrLifecyclePolicy>;
  /** The registry's replication configuration; undefined without replica regions. */
  public readonly replication?: EcrReplicationConfiguration;
  /** Role ECR assumes to create replicated repositories with KMS; undefined without replica regions. */
  public readonly replicaCreationRole?: IamRole;
  /** Per replica region: its key and creation template, in the order of `replicaRegions`. */
  public readonly replicas: ContainerRepositoryReplica[];

  private readonly primaryRegion: string;
  private readonly replicaRegionNames: string[];
  /** The account ID when given, else the repository's registry_id. */
  private readonly registryId: string;

  constructor(scope: Construct, id: string, props: ContainerRepositoryProps) {
    super(scope, id);
    validate(props);
    const { provider, repositoryNames } = props;
    const namespace = creationTemplatePrefix(repositoryNames[0]);
    const replicaRegions = props.replicaRegions ?? [];
    this.primaryRegion = props.region;
    this.replicaRegionNames = replicaRegions.map((replica) => replica.region);
    const lifecyclePolicy = lifecyclePolicyJson(props.keepImageCount ?? 30);

    this.key = new EncryptionKey(this, 'Key', {
      provider,
      alias: props.keyAlias,
      description: `ECR repositories ${namespace}/*`,
    });

    const repositories = new Map<string, EcrRepository>();
    const lifecyclePolicies = new Map<string, EcrLifecyclePolicy>();
    for (const name of repositoryNames) {
      const scope = new Construct(this, name.slice(name.lastIndexOf('/') + 1));
      const repository = new EcrRepository(scope, 'Repository', {
        provider,
        name,
        imageTagMutability: 'IMMUTABLE',
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfiguration: [{ encryptionType: 'KMS', kmsKey: this.key.arn }],
        forceDelete: false,
      });
      repositories.set(name, repository);
      lifecyclePolicies.set(
        name,
        new EcrLifecyclePolicy(scope, 'LifecyclePolicy', {
          provider,
          repository: repository.name,
          policy: lifecyclePolicy,
        }),
      );
    }
    this.repositories = repositories;
    this.lifecyclePolicies = lifecyclePolicies;
    const first = repositories.get(repositoryNames[0]) as EcrRepository;
    this.registryId = props.accountId ?? first.registryId;

    // One scope per region, named after the region, so removing a region never moves another's resources.
    const regions = replicaRegions.map((replica) => {
      const scope = new Construct(this, replica.region);
      const key = new EncryptionKey(scope, 'Key', {
        provider: replica.provider,
        alias: props.keyAlias,
        description: `ECR repositories ${namespace}/* (replicas in ${replica.region})`,
      });
      return { ...replica, scope, key };
    });
    if (regions.length === 0) {
      this.replicas = [];
      return;
    }

    // IAM is global: one role, managed through the primary region's provider, serves every region.
    const role = this.createReplicaCreationRole(
      provider,
      namespace,
      regions.map((region) => region.key),
    );
    this.replicaCreationRole = role.role;

    const templatePrefix = namespace;
    this.replicas = regions.map(({ region, provider: regionProvider, scope: regionScope, key }) => ({
      region,
      key,
      creationTemplate: new EcrRepositoryCreationTemplate(regionScope, 'CreationTemplate', {
        provider: regionProvider,
        prefix: templatePrefix,
        appliedFor: ['REPLICATION'],
        description: 'Replicated application images: immutable tags, KMS, lifecycle policy',
        imageTagMutability: 'IMMUTABLE',
        encryptionConfiguration: [{ encryptionType: 'KMS', kmsKey: key.arn }],
        lifecyclePolicy,
        customRoleArn: role.role.arn,
        dependsOn: [role.policy],
      }),
    }));

    this.replication = new EcrReplicationConfiguration(this, 'Replication', {
      provider,
      replicationConfiguration: {
        rule: [
          {
            destination: replicaRegions.map(({ region }) => ({
              region,
              registryId: first.registryId,
            })),
            // Every repository of the namespace, those of services added later included; names
            // without a namespace each by their own name.
            repositoryFilter:
              namespace === 'ROOT'
                ? repositoryNames.map((name) => ({ filter: name, filterType: 'PREFIX_MATCH' }))
                : [{ filter: `${namespace}/`, filterType: 'PREFIX_MATCH' }],
          },
        ],
      },
      // A repository replicated before its region's template exists keeps ECR's defaults for good.
      dependsOn: this.replicas.map((replica) => replica.creationTemplate),
    });
  }

  /**
   * Image URI base (without tag or digest) of a repository in a region:
   * `<registry id>.dkr.ecr.<region>.amazonaws.com/<name>`.
   * @param repositoryName one of `repositoryNames`
   * @param region the primary region or one of the replica regions
   */
  public repositoryUrlFor(repositoryName: string, region: string): string {
    const repository = this.repositories.get(repositoryName);
    if (!repository) {
      throw new ValidationError(
        CONSTRUCT,
        'repositoryName',
        repositoryName,
        `one of ${[...this.repositories.keys()].join(', ')}`,
      );
    }
    const allowed = [this.primaryRegion, ...this.replicaRegionNames];
    if (!allowed.includes(region)) {
      throw new ValidationError(
        CONSTRUCT,
        'region',
        region,
        `the repository exists in ${allowed.join(', ')} (primary ${this.primaryRegion})`,
      );
    }
    return `${this.registryId}.dkr.ecr.${region}.amazonaws.com/${repository.name}`;
  }

  /**
   * The role ECR assumes to create a replicated repository from a creation template: a template with
   * a KMS key requires one. It may create, tag and replicate into this repository's name only, and
   * use only the replica regions' keys.
   */
  private createReplicaCreationRole(
    provider: AwsProvider,
    namespace: string,
    keys: EncryptionKey[],
  ): { role: IamRole; policy: IamRolePolicy } {
    const trust = assumeRolePolicy(this, 'ReplicaCreationTrust', { provider, service: 'ecr.amazonaws.com' });
    const role = new IamRole(this, 'ReplicaCreationRole', {
      provider,
      namePrefix: `ecr-replica-${namespace.replace(/\//g, '-')}-`.slice(0, 38),
      description: 'Lets ECR create replicated repositories encrypted with their region KMS key',
      assumeRolePolicy: trust.json,
      // A new name (a new namespace) gets the new role before the templates leave the old one.
      lifecycle: { createBeforeDestroy: true },
    });
    const permissions = new DataAwsIamPolicyDocument(this, 'ReplicaCreationPermissions', {
      provider,
      statement: [
        {
          sid: 'CreateReplicatedRepository',
          effect: 'Allow',
          actions: ['ecr:CreateRepository', 'ecr:ReplicateImage', 'ecr:TagResource'],
          // The replica's ARN is the repository's with the region swapped (partition and account kept).
          resources: this.replicaRegionNames.flatMap((region) =>
            [...this.repositories.values()].map((repository) =>
              Fn.replace(repository.arn, `:${this.primaryRegion}:`, `:${region}:`),
            ),
          ),
        },
        {
          sid: 'UseReplicaKeys',
          effect: 'Allow',
          actions: ['kms:CreateGrant', 'kms:RetireGrant', 'kms:DescribeKey'],
          resources: keys.map((key) => key.arn),
        },
      ],
    });
    const policy = new IamRolePolicy(this, 'ReplicaCreationPolicy', {
      provider,
      role: role.id,
      name: 'create-replicated-repositories',
      policy: permissions.json,
    });
    return { role, policy };
  }
}

/**
 * The lifecycle policy: untagged images expire 7 days after push (priority 1), then only the last
 * `keepImageCount` images are kept whatever their tags (priority 2: ECR requires a `tagStatus: any`
 * rule to have the highest priority number, i.e. to be evaluated last).
 */
function lifecyclePolicyJson(keepImageCount: number): string {
  return JSON.stringify({
    rules: [
      {
        rulePriority: 1,
        description: `Expire untagged images ${UNTAGGED_EXPIRY_DAYS} days after push`,
        selection: {
          tagStatus: 'untagged',
          countType: 'sinceImagePushed',
          countUnit: 'days',
          countNumber: UNTAGGED_EXPIRY_DAYS,
        },
        action: { type: 'expire' },
      },
      {
        rulePriority: 2,
        description: `Keep only the last ${keepImageCount} images`,
        selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: keepImageCount },
        action: { type: 'expire' },
      },
    ],
  });
}

/**
 * ECR matches creation templates by namespace (it appends `/` to the prefix): `team/app` is created
 * from the `team` template; a name without a namespace only from the `ROOT` template.
 */
function creationTemplatePrefix(repositoryName: string): string {
  const slash = repositoryName.lastIndexOf('/');
  return slash === -1 ? 'ROOT' : repositoryName.slice(0, slash);
}

function validate(props: ContainerRepositoryProps): void {
  const { repositoryNames, keyAlias, region } = props;
  const replicas = props.replicaRegions ?? [];
  if (
    props.accountId !== undefined &&
    !Token.isUnresolved(props.accountId) &&
    !/^\d{12}$/.test(props.accountId)
  ) {
    throw new ValidationError(CONSTRUCT, 'accountId', props.accountId, 'use a 12-digit AWS account ID');
  }

  if (repositoryNames.length === 0) {
    throw new ValidationError(
      CONSTRUCT,
      'repositoryNames',
      repositoryNames,
      'give at least one repository name',
    );
  }
  for (const repositoryName of repositoryNames) {
    if (Token.isUnresolved(repositoryName)) {
      throw new ValidationError(
        CONSTRUCT,
        'repositoryNames',
        repositoryName,
        'give literal names: the creation template prefix and the construct scopes derive from them',
      );
    }
    if (repositoryName.length < 2 || repositoryName.length > 256 || !NAME_PATTERN.test(repositoryName)) {
      throw new ValidationError(
        CONSTRUCT,
        'repositoryNames',
        repositoryName,
        'use 2 to 256 characters: lowercase letters and digits, parts joined by one of . _ - and namespaces by / (e.g. team/app)',
      );
    }
    if (creationTemplatePrefix(repositoryName) !== creationTemplatePrefix(repositoryNames[0])) {
      throw new ValidationError(
        CONSTRUCT,
        'repositoryNames',
        repositoryName,
        `every repository must share the namespace of ${repositoryNames[0]}: one creation template serves them all`,
      );
    }
  }
  if (new Set(repositoryNames).size !== repositoryNames.length) {
    throw new ValidationError(CONSTRUCT, 'repositoryNames', repositoryNames, 'each name once');
  }

  if (!Token.isUnresolved(keyAlias) && !/^(?!alias\/|aws\/)[a-zA-Z0-9/_-]{1,250}$/.test(keyAlias)) {
    throw new ValidationError(
      CONSTRUCT,
      'keyAlias',
      keyAlias,
      'give the alias without the alias/ prefix: letters, digits, / _ - and not starting with aws/',
    );
  }

  if (!REGION_PATTERN.test(region)) {
    throw new ValidationError(CONSTRUCT, 'region', region, 'give a region name such as us-east-1');
  }
  checkProviderRegion('region', region, props.provider);

  const keep = props.keepImageCount;
  if (keep !== undefined && (!Number.isInteger(keep) || keep < 1 || keep > 10000)) {
    throw new ValidationError(CONSTRUCT, 'keepImageCount', keep, 'use an integer from 1 to 10000');
  }

  const names = replicas.map((replica) => replica.region);
  if (!names.every((name) => REGION_PATTERN.test(name))) {
    throw new ValidationError(
      CONSTRUCT,
      'replicaRegions',
      names,
      'give region names such as eu-west-1 (they name the per-region constructs)',
    );
  }
  if (new Set(names).size !== names.length) {
    throw new ValidationError(CONSTRUCT, 'replicaRegions', names, 'regions must be distinct');
  }
  if (names.includes(region)) {
    throw new ValidationError(
      CONSTRUCT,
      'replicaRegions',
      names,
      `the primary region ${region} is the source, not a replica`,
    );
  }
  replicas.forEach((replica, index) =>
    checkProviderRegion(`replicaRegions[${index}].region`, replica.region, replica.provider),
  );
}

/** The region given must be the provider's, when the provider's region is a literal. */
function checkProviderRegion(prop: string, region: string, provider: AwsProvider): void {
  const providerRegion = provider.region;
  if (providerRegion !== undefined && !Token.isUnresolved(providerRegion) && providerRegion !== region) {
    throw new ValidationError(
      CONSTRUCT,
      prop,
      region,
      `it must be the region of its provider (${providerRegion})`,
    );
  }
}
