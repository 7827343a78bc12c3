import { Settings } from './schema';

/** The image one region runs: a tag, a digest, or both (the digest then decides what runs). */
export interface RegionImage {
  readonly tag?: string;
  readonly digest?: string;
}

/**
 * The image a region runs: its own `regions[i].image` during a release wave, else the environment's
 * `image.tag` and `image.digest`. A region's override replaces both, so a wave that names a new tag
 * is not held back by the environment's older digest.
 */
export function regionImage(settings: Settings, regionName: string): RegionImage {
  const region = settings.regions.find((r) => r.name === regionName);
  if (!region) {
    throw new Error(
      `regionImage: ${regionName} is not one of the settings' regions (${settings.regions.map((r) => r.name).join(', ')})`,
    );
  }
  return region.image ?? { tag: settings.image.tag, digest: settings.image.digest };
}

/**
 * The reference a task definition pulls: `<repository>@sha256:…` with a digest (the same bytes in
 * every region: ECR replication keeps digests), else `<repository>:<tag>`.
 */
export function imageReference(repositoryUrl: string, image: RegionImage): string {
  if (image.digest) return `${repositoryUrl}@${image.digest}`;
  if (image.tag) return `${repositoryUrl}:${image.tag}`;
  throw new Error(`imageReference: ${repositoryUrl} needs a tag or a digest`);
}
