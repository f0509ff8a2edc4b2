/**
 * @module net/address-policy
 * Which addresses an outbound fetch chosen by a request (a prompt data page, an MCP server) may
 * reach. Only public unicast addresses by default: loopback, private, link-local (cloud metadata
 * at 169.254.169.254), carrier-grade NAT, multicast, reserved and the IPv6 forms that embed an IPv4
 * address are refused. The operator's allowlist (FETCH_ALLOW_HOSTS) may open host names, single
 * addresses or CIDR ranges, for intranets and for tests on loopback.
 */
import ipaddr from "ipaddr.js";

export interface AddressPolicy {
  /** Whether a host name is on the allowlist by name (all of its addresses are then allowed). */
  allowsHostName(hostname: string): boolean;
  /** What kind of address this is when it may not be reached ("a loopback address"), or undefined when it may. */
  refusalFor(address: string): string | undefined;
  /** Whether the allowlist opens this host or address (plain-HTTP headers are then acceptable too). */
  isAllowlisted(hostname: string, address?: string): boolean;
}

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Parses FETCH_ALLOW_HOSTS entries: host names, addresses and CIDR ranges. Throws on a bad range. */
export function createAddressPolicy(allowHosts: readonly string[]): AddressPolicy {
  const names = new Set<string>();
  const ranges: Range[] = [];
  for (const raw of allowHosts) {
    const entry = raw.trim().toLowerCase().replace(/^\[(.*)\]$/, "$1");
    if (!entry) continue;
    if (entry.includes("/")) ranges.push(normalizeRange(ipaddr.parseCIDR(entry)));
    else if (ipaddr.isValid(entry)) {
      const address = normalize(ipaddr.parse(entry));
      ranges.push([address, address.kind() === "ipv4" ? 32 : 128]);
    } else names.add(entry.replace(/\.$/, ""));
  }
  const inAllowedRange = (address: string): boolean => {
    if (!ipaddr.isValid(address)) return false;
    const parsed = normalize(ipaddr.parse(address));
    return ranges.some(([base, bits]) => base.kind() === parsed.kind() && parsed.match([base, bits] as never));
  };
  return {
    allowsHostName: (hostname) => names.has(bareHost(hostname)),
    isAllowlisted: (hostname, address) => names.has(bareHost(hostname)) || inAllowedRange(address ?? bareHost(hostname)),
    refusalFor(address) {
      if (!ipaddr.isValid(address)) return "not an IP address";
      if (inAllowedRange(address)) return undefined;
      const range = normalize(ipaddr.parse(address)).range();
      return range === "unicast" ? undefined : `a ${describeRange(range)} address`;
    },
  };
}

/** `[::1]` → `::1`, lower case, no trailing dot. */
export function bareHost(hostname: string): string {
  return hostname.toLowerCase().replace(/^\[(.*)\]$/, "$1").replace(/\.$/, "");
}

/** An IPv4 address written as IPv6 (::ffff:10.0.0.1) is judged as the IPv4 address it is. */
function normalize(address: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  return address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress() ? (address as ipaddr.IPv6).toIPv4Address() : address;
}

function normalizeRange([base, bits]: Range): Range {
  const normal = normalize(base);
  return normal === base ? [base, bits] : [normal, Math.max(0, bits - 96)];
}

function describeRange(range: string): string {
  const names: Record<string, string> = {
    loopback: "loopback",
    private: "private",
    linkLocal: "link-local (cloud metadata)",
    uniqueLocal: "private (unique local)",
    unspecified: "unspecified",
    carrierGradeNat: "carrier-grade NAT",
    multicast: "multicast",
    broadcast: "broadcast",
  };
  return names[range] ?? `non-public (${range})`;
}
