import { ServiceSettings } from './schema';

/** The image one region runs: a tag, a digest, or both (the digest then decides what runs). */
export interface RegionImage {
  readonly tag?: string;
  readonly digest?: string;
}

/**
 * The image a service runs in a region: its own `regions.<region>.image` during a release wave,
 * else the service's `image.tag` and `image.digest`. A region's override replaces both, so a wave
 * that names a new tag is not held back by the service's older digest.
 */
export function regionImage(service: ServiceSettings, regionName: string): RegionImage {
  return service.regions[regionName]?.image ?? { tag: service.image.tag, digest: service.image.digest };
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
