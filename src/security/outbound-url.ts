/**
 * Outbound-URL policy: Kiln calls URLs that users configure (alert webhooks, async-inference callbacks),
 * so a URL must not reach into the server's own network (SSRF: cloud metadata at 169.254.169.254,
 * loopback admin ports, private services). `checkOutboundUrl` parses with the WHATWG URL parser (which
 * already normalizes `http://2130706433/` and `http://0x7f.1/` to `127.0.0.1`), resolves the host to
 * every address it has and refuses the URL when any of them is loopback, private, link-local, CGNAT,
 * unspecified, multicast or reserved (IPv4-mapped and NAT64 IPv6 forms included) — unless configuration
 * allows it. Callers should connect to the returned addresses, so a name cannot re-resolve elsewhere
 * between the check and the request (DNS rebinding).
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { UsageError } from '../core/errors.js';

/** Longest URL accepted (what browsers and proxies commonly support). */
const MAX_URL_LENGTH = 2048;

/** What may be reached beyond public addresses. */
export interface OutboundUrlPolicy {
  /** Allow private, loopback and link-local addresses (`KILN_OUTBOUND_ALLOW_PRIVATE=1`). */
  readonly allowPrivate?: boolean;
  /** Host names (or IP literals) allowed whatever they resolve to (`KILN_OUTBOUND_ALLOW_HOSTS=a,b`). */
  readonly allowHosts?: readonly string[];
  /** Resolves a host name to its addresses (tests inject one); default: the system resolver. */
  readonly resolve?: (host: string) => Promise<readonly string[]>;
}

/** A URL that passed the policy, with the addresses it resolved to. */
export interface CheckedOutboundUrl {
  readonly url: URL;
  readonly addresses: readonly string[];
}

/** The policy from `KILN_OUTBOUND_ALLOW_PRIVATE` and `KILN_OUTBOUND_ALLOW_HOSTS`. */
export function outboundUrlPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): OutboundUrlPolicy {
  const hosts = (env.KILN_OUTBOUND_ALLOW_HOSTS ?? '').split(',').map((h) => h.trim()).filter((h) => h !== '');
  return { allowPrivate: env.KILN_OUTBOUND_ALLOW_PRIVATE === '1' || env.KILN_OUTBOUND_ALLOW_PRIVATE === 'true', allowHosts: hosts };
}

/** Check a user-supplied outbound URL; a refused one is a UsageError naming the URL and the reason. */
export async function checkOutboundUrl(raw: string, policy: OutboundUrlPolicy = {}, field = 'url'): Promise<CheckedOutboundUrl> {
  const shown = raw.length > 200 ? `${raw.slice(0, 200)}…` : raw;
  const refuse = (reason: string, hint?: string): never => {
    throw new UsageError(`outbound URL ${JSON.stringify(shown)} refused: ${reason}`, { field, reason }, hint ?? 'Use a public http(s) URL, or allow the host with KILN_OUTBOUND_ALLOW_HOSTS (docs/security.md).');
  };
  if (raw.length > MAX_URL_LENGTH) refuse(`longer than ${MAX_URL_LENGTH} characters`, 'Shorten the URL.');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse('not a valid absolute URL', 'Give an absolute http:// or https:// URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') refuse(`scheme ${url.protocol} is not http or https`);
  if (url.username !== '' || url.password !== '') refuse('credentials in the URL are not allowed (they would be logged and sent on redirects)', 'Put secrets in a header or a signing key, not in the URL.');
  const host = normalizeHost(url.hostname);
  if (host === '') refuse('no host');
  const allowed = (policy.allowHosts ?? []).some((h) => normalizeHost(h) === host);
  const literal = isIP(host) !== 0;
  let addresses: readonly string[];
  if (literal) addresses = [host];
  else {
    try {
      addresses = await (policy.resolve ?? systemResolve)(host);
    } catch {
      return refuse(`host ${host} does not resolve`, 'Check the host name.');
    }
    if (addresses.length === 0) refuse(`host ${host} does not resolve`, 'Check the host name.');
  }
  if (!allowed && policy.allowPrivate !== true) {
    for (const a of addresses) {
      const range = blockedRange(a);
      if (range !== null) refuse(`${literal ? 'address' : `host ${host} resolves to`} ${a}, which is ${range}`);
    }
  }
  return { url, addresses };
}

async function systemResolve(host: string): Promise<readonly string[]> {
  return (await lookup(host, { all: true, verbatim: true })).map((r) => r.address);
}

/** Lower case, IPv6 brackets and one trailing dot removed (`LocalHost.` and `localhost` are one host). */
function normalizeHost(h: string): string {
  let s = h.trim().toLowerCase();
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  if (s.endsWith('.')) s = s.slice(0, -1);
  return s;
}

/** The reserved range an address is in (a phrase for the error), or null for a public address. */
export function blockedRange(address: string): string | null {
  const kind = isIP(address);
  if (kind === 4) return blockedV4(v4Number(address));
  if (kind === 6) return blockedV6(address);
  return 'not an IP address';
}

function v4Number(a: string): number {
  return a.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

const V4_RANGES: readonly [string, number, string][] = [
  ['0.0.0.0', 8, 'the unspecified/"this network" range 0.0.0.0/8'],
  ['10.0.0.0', 8, 'private (10.0.0.0/8)'],
  ['100.64.0.0', 10, 'carrier-grade NAT (100.64.0.0/10)'],
  ['127.0.0.0', 8, 'loopback (127.0.0.0/8)'],
  ['169.254.0.0', 16, 'link-local (169.254.0.0/16, cloud metadata)'],
  ['172.16.0.0', 12, 'private (172.16.0.0/12)'],
  ['192.0.0.0', 24, 'IETF protocol assignments (192.0.0.0/24)'],
  ['192.168.0.0', 16, 'private (192.168.0.0/16)'],
  ['198.18.0.0', 15, 'benchmarking (198.18.0.0/15)'],
  ['224.0.0.0', 4, 'multicast (224.0.0.0/4)'],
  ['240.0.0.0', 4, 'reserved (240.0.0.0/4)'],
];

function blockedV4(n: number): string | null {
  for (const [base, bits, label] of V4_RANGES) {
    const size = 2 ** (32 - bits);
    const start = v4Number(base);
    if (n >= start && n < start + size) return label;
  }
  return null;
}

/** The 8 groups of an IPv6 address (with an embedded dotted IPv4 tail expanded). */
function v6Groups(address: string): number[] {
  let a = address.toLowerCase();
  const zone = a.indexOf('%');
  if (zone >= 0) a = a.slice(0, zone);
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (tail?.[1] !== undefined) {
    const n = v4Number(tail[1]);
    a = `${a.slice(0, -tail[1].length)}${Math.floor(n / 65536).toString(16)}:${(n % 65536).toString(16)}`;
  }
  const [head, rest] = a.includes('::') ? (a.split('::') as [string, string]) : [a, undefined];
  const h = head === '' ? [] : head.split(':');
  const r = rest === undefined || rest === '' ? [] : rest.split(':');
  const fill = rest === undefined ? [] : new Array<string>(8 - h.length - r.length).fill('0');
  return [...h, ...fill, ...r].map((g) => parseInt(g, 16));
}

function blockedV6(address: string): string | null {
  const g = v6Groups(address);
  if (g.every((x) => x === 0)) return 'the unspecified address ::';
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return 'loopback (::1)';
  const first = g[0] ?? 0;
  // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) carry an IPv4 address.
  const mapped = g.slice(0, 5).every((x) => x === 0) && (g[5] === 0xffff || g[5] === 0);
  const nat64 = first === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0);
  if (mapped || nat64) {
    const v4 = blockedV4((g[6] ?? 0) * 65536 + (g[7] ?? 0));
    if (v4 !== null) return `${v4} inside an IPv6 address`;
  }
  if ((first & 0xfe00) === 0xfc00) return 'unique local (fc00::/7)';
  if ((first & 0xffc0) === 0xfe80) return 'link-local (fe80::/10)';
  if ((first & 0xff00) === 0xff00) return 'multicast (ff00::/8)';
  return null;
}
