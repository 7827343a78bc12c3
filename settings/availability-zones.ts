import { AwsRegion } from './regions';

/**
 * The availability zone names each region offers, so a zone that does not exist (`eu-west-1d`,
 * `us-east-1z`) is refused when the settings are read instead of failing at apply time.
 *
 * Source: AWS, "AWS Availability Zones" in "AWS Regions and Availability Zones"
 * (https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-availability-zones.html),
 * which lists every region's AZ IDs; the zone names are the region code followed by a letter, as
 * `aws ec2 describe-availability-zones` reports them. Checked on 2026-12-01.
 *
 * In the oldest regions (us-east-1, us-west-1, ap-northeast-1, ap-northeast-2, ...) AWS maps zone
 * names to physical zones per account, and older accounts may see a letter that newer accounts do
 * not (ap-northeast-1b, us-west-1b): those letters are listed too, so no account's zone is
 * refused. Some letters were never assigned (ca-central-1c). When AWS opens a zone, add its
 * letter here, with the date.
 */
export const AVAILABILITY_ZONE_LETTERS: Readonly<Record<AwsRegion, string>> = {
  'af-south-1': 'abc',
  'ap-east-1': 'abc',
  'ap-east-2': 'abc',
  'ap-northeast-1': 'abcd',
  'ap-northeast-2': 'abcd',
  'ap-northeast-3': 'abc',
  'ap-south-1': 'abc',
  'ap-south-2': 'abc',
  'ap-southeast-1': 'abc',
  'ap-southeast-2': 'abc',
  'ap-southeast-3': 'abc',
  'ap-southeast-4': 'abc',
  'ap-southeast-5': 'abc',
  'ap-southeast-7': 'abc',
  'ca-central-1': 'abd',
  'ca-west-1': 'abc',
  'eu-central-1': 'abc',
  'eu-central-2': 'abc',
  'eu-north-1': 'abc',
  'eu-south-1': 'abc',
  'eu-south-2': 'abc',
  'eu-west-1': 'abc',
  'eu-west-2': 'abc',
  'eu-west-3': 'abc',
  'il-central-1': 'abc',
  'me-central-1': 'abc',
  'me-south-1': 'abc',
  'mx-central-1': 'abc',
  'sa-east-1': 'abc',
  'us-east-1': 'abcdef',
  'us-east-2': 'abc',
  'us-west-1': 'abc',
  'us-west-2': 'abcd',
};

/** The availability zone names of a region: `us-east-2` gives us-east-2a, us-east-2b, us-east-2c. */
export function availabilityZonesOf(region: AwsRegion): string[] {
  return [...AVAILABILITY_ZONE_LETTERS[region]].map((letter) => `${region}${letter}`);
}
