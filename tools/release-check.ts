/**
 * `npm run release:check -- --env prod [--regions us-east-1,eu-west-1]`: before a release wave is
 * applied, checks that the image each region of the wave will run (its tag or digest, from the
 * settings, as the task definitions will reference it) exists in that region's ECR repository. ECR
 * replication is asynchronous, so a region can be told to run an image it does not have yet; the
 * check names every region that lacks it and exits 1. Exit 2: the check itself could not run.
 *
 * Credentials: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN). Endpoint:
 * AWS_ENDPOINT_URL_ECR or AWS_ENDPOINT_URL, else ECR's own in each region.
 */
import { runWithProcess } from './command';
import { ENVIRONMENT_VARIABLE, SettingsError, loadEnvironmentSettings } from '../settings/load';
import { RegionImage, regionImage } from '../settings/image';
import { Settings } from '../settings/schema';
import { serviceNames } from '../settings/service-names';
import { EcrError, ecrCall } from './aws/ecr';
import { credentialsFromEnv } from './aws/sigv4';

export interface ReleaseCheckOptions {
  /** Command-line arguments after `--`. */
  readonly argv: string[];
  /** Environment: PLATFORM_CONFIG_DIR, credentials, endpoint overrides. */
  readonly env: NodeJS.ProcessEnv;
  readonly projectRoot: string;
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
}

const USAGE = 'usage: npm run release:check -- --env <environment> [--regions <region>,<region>...]';

interface Arguments {
  environment?: string;
  regions?: string[];
}

function parseArguments(argv: string[]): Arguments | string {
  const parsed: Arguments = {};
  for (let i = 0; i < argv.length; i += 1) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = inline ?? argv[i + 1];
    if (flag !== '--env' && flag !== '--regions') return `unknown argument ${JSON.stringify(argv[i])}`;
    if (value === undefined || value.startsWith('--')) return `${flag} needs a value`;
    if (inline === undefined) i += 1;
    if (flag === '--env') parsed.environment = value;
    else parsed.regions = value.split(',').filter(Boolean);
  }
  return parsed;
}

/** The repository the region's tasks pull from, as ECR names it, or why it cannot be checked. */
function repositoryOf(
  settings: Settings,
  service: string,
  region: string,
): { registryId?: string; name: string } | string {
  const uri = settings.services[service].image.repositoryUri;
  if (!uri)
    return {
      registryId: settings.accountId,
      name: serviceNames(settings, service, settings.services[service]).repository,
    };
  const ecr = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com\/(.+)$/.exec(uri);
  if (!ecr) return `image.repositoryUri ${uri} is not an ECR repository; check that registry yourself`;
  if (ecr[2] !== region) return `image.repositoryUri ${uri} is in ${ecr[2]}, not ${region}`;
  return { registryId: ecr[1], name: ecr[3] };
}

const describe = (image: RegionImage) =>
  image.digest ? `${image.digest}${image.tag ? ` (tag ${image.tag})` : ''}` : `tag ${image.tag}`;

interface DescribedImage {
  imageDigest?: string;
  imageTags?: string[];
}

/** Runs the check; returns the exit code. */
export async function releaseCheck(options: ReleaseCheckOptions): Promise<number> {
  const { stdout, stderr } = options;
  const args = parseArguments(options.argv);
  if (typeof args === 'string') {
    stderr(`error: ${args}\n${USAGE}`);
    return 2;
  }
  let settings: Settings;
  try {
    settings = loadEnvironmentSettings(
      { ...options.env, [ENVIRONMENT_VARIABLE]: args.environment ?? options.env[ENVIRONMENT_VARIABLE] },
      options.projectRoot,
    );
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    stderr(`error: ${error.message}`);
    return 2;
  }
  const known: string[] = settings.regions.map((r) => r.name);
  const wave = args.regions ?? known;
  const unknown = wave.filter((region) => !known.includes(region));
  if (unknown.length > 0 || wave.length === 0) {
    stderr(
      `error: --regions: got ${JSON.stringify(args.regions?.join(','))}; ${unknown.length ? `${unknown.join(', ')} ${unknown.length > 1 ? 'are' : 'is'} not a region of ${settings.environment}` : 'name at least one region'} (its regions: ${known.join(', ')})`,
    );
    return 2;
  }
  const credentials = credentialsFromEnv(options.env);
  if (!credentials) {
    stderr(
      'error: no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN)',
    );
    return 2;
  }

  stdout(`release check of ${settings.environment}, wave ${wave.join(', ')}:`);
  const missing: string[] = [];
  let failed = false;
  for (const [service, region] of Object.keys(settings.services).flatMap((name) =>
    wave.map((region) => [name, region] as const),
  )) {
    const image = regionImage(settings.services[service], region);
    const repository = repositoryOf(settings, service, region);
    if (typeof repository === 'string') {
      stderr(`  ${region}: cannot check: ${repository}`);
      failed = true;
      continue;
    }
    const where = `${repository.name} in ${region}`;
    try {
      const answer = await ecrCall<{ imageDetails?: DescribedImage[] }>(
        { region, credentials, env: options.env },
        'DescribeImages',
        {
          repositoryName: repository.name,
          ...(repository.registryId ? { registryId: repository.registryId } : {}),
          imageIds: [image.digest ? { imageDigest: image.digest } : { imageTag: image.tag }],
        },
      );
      const found = answer.imageDetails?.[0];
      if (!found) {
        missing.push(region);
        stdout(`  ${region}: MISSING ${describe(image)} in ${repository.name}`);
      } else if (image.digest && image.tag && !(found.imageTags ?? []).includes(image.tag)) {
        // The digest runs; a tag that names other bytes means the settings disagree with themselves.
        missing.push(region);
        stdout(
          `  ${region}: MISMATCH ${image.digest} is there, but tag ${image.tag} is not on it (tags: ${(found.imageTags ?? []).join(', ') || 'none'}) in ${repository.name}`,
        );
      } else {
        stdout(
          `  ${region}: ok ${describe(image)} = ${found.imageDigest ?? image.digest} in ${repository.name}`,
        );
      }
    } catch (error) {
      if (
        error instanceof EcrError &&
        ['ImageNotFoundException', 'RepositoryNotFoundException'].includes(error.code)
      ) {
        missing.push(region);
        stdout(
          `  ${region}: MISSING ${describe(image)}: ${error.code === 'RepositoryNotFoundException' ? `no repository ${where}` : `not in ${repository.name}`}`,
        );
      } else {
        stderr(`  ${region}: cannot check ${where}: ${(error as Error).message}`);
        failed = true;
      }
    }
  }
  if (missing.length > 0) {
    stdout(
      `${missing.length} of ${wave.length} regions lack the image: ${missing.join(', ')}. Do not apply this wave yet: wait for ECR replication, or push the image there.`,
    );
    return 1;
  }
  if (failed) return 2;
  stdout(`every region of the wave has its image; apply the wave.`);
  return 0;
}

if (require.main === module) runWithProcess(releaseCheck, 2);
