/** Small IPv4 CIDR helpers used by the settings validation and the network construct. */

export interface Ipv4Cidr {
  /** Network address as an unsigned 32-bit integer. */
  readonly address: number;
  /** Prefix length, 0 to 32. */
  readonly prefixLength: number;
}

export function parseCidr(cidr: string): Ipv4Cidr {
  const [ip, prefix] = cidr.split('/');
  const octets = ip.split('.').map(Number);
  const address = octets.reduce((acc, octet) => acc * 256 + octet, 0);
  return { address, prefixLength: Number(prefix) };
}

export function formatIp(address: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join('.');
}

export function blockSize(cidr: Ipv4Cidr): number {
  return 2 ** (32 - cidr.prefixLength);
}

/** True when the address has host bits set below its prefix (e.g. 10.0.1.0/16). */
export function hasHostBits(cidr: Ipv4Cidr): boolean {
  return cidr.address % blockSize(cidr) !== 0;
}

export function overlaps(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  const aEnd = a.address + blockSize(a);
  const bEnd = b.address + blockSize(b);
  return a.address < bEnd && b.address < aEnd;
}

/** The `index`-th /24 inside `cidr`: index 1 of 10.1.0.0/16 is 10.1.1.0/24. */
export function nthSlash24(cidr: string, index: number): string {
  const parsed = parseCidr(cidr);
  return `${formatIp(parsed.address + index * 256)}/24`;
}
