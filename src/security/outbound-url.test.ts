/**
 * The outbound-URL policy against hostile forms: numeric, hex and octal IPv4 spellings, IPv6 literals
 * (mapped, NAT64, link-local), names that resolve inward, userinfo tricks, odd schemes, and the allow
 * options. A fake resolver stands in for DNS, so the test needs no network.
 */
import { describe, expect, it } from 'vitest';
import { KilnError } from '../core/errors.js';
import { blockedRange, checkOutboundUrl, outboundUrlPolicyFromEnv } from './outbound-url.js';

const DNS: Record<string, string[]> = {
  'hooks.example.com': ['93.184.216.34'],
  'dual.example.com': ['93.184.216.34', '10.1.2.3'],
  'internal.example.com': ['192.168.1.10'],
  localhost: ['127.0.0.1', '::1'],
  'v6.example.com': ['2606:4700::6810:84e5'],
};
const resolve = async (host: string): Promise<readonly string[]> => {
  const a = DNS[host];
  if (!a) throw new Error('ENOTFOUND');
  return a;
};

async function refusal(url: string, policy = {}): Promise<string> {
  try {
    await checkOutboundUrl(url, { resolve, ...policy });
  } catch (err) {
    expect(err).toBeInstanceOf(KilnError);
    expect((err as KilnError).code).toBe('usage');
    return (err as Error).message;
  }
  throw new Error(`${url} was allowed`);
}

describe('checkOutboundUrl', () => {
  it('allows public http(s) URLs and returns the addresses to connect to', async () => {
    const ok = await checkOutboundUrl('https://hooks.example.com/kiln?x=1', { resolve });
    expect(ok.url.hostname).toBe('hooks.example.com');
    expect(ok.addresses).toEqual(['93.184.216.34']);
    expect((await checkOutboundUrl('http://[2606:4700::6810:84e5]:8080/', { resolve })).addresses).toEqual(['2606:4700::6810:84e5']);
    expect((await checkOutboundUrl('https://v6.example.com/', { resolve })).addresses).toHaveLength(1);
  });

  it('refuses loopback, private, link-local and metadata addresses in every spelling', async () => {
    for (const url of [
      'http://127.0.0.1/',
      'http://2130706433/',
      'http://0x7f.1/',
      'http://0177.0.0.1/',
      'http://127.1/',
      'http://0/',
      'http://10.0.0.5/',
      'http://172.20.1.1/',
      'http://192.168.0.1/',
      'http://169.254.169.254/latest/meta-data/',
      'http://100.64.0.1/',
      'http://[::1]/',
      'http://[::]/',
      'http://[::ffff:127.0.0.1]/',
      'http://[::ffff:169.254.169.254]/',
      'http://[64:ff9b::10.0.0.1]/',
      'http://[fe80::1]/',
      'http://[fd00::1]/',
      'http://224.0.0.1/',
    ]) {
      expect(await refusal(url), url).toMatch(/refused: (address|host)/);
    }
  });

  it('refuses names that resolve inward, also when only one of their addresses does', async () => {
    expect(await refusal('http://localhost:7070/')).toMatch(/resolves to 127\.0\.0\.1, which is loopback/);
    expect(await refusal('http://LocalHost./')).toMatch(/loopback/);
    expect(await refusal('https://internal.example.com/')).toMatch(/private \(192\.168/);
    expect(await refusal('https://dual.example.com/')).toMatch(/10\.1\.2\.3/);
    expect(await refusal('https://nowhere.example.com/')).toMatch(/does not resolve/);
  });

  it('refuses other schemes, credentials in the URL and malformed URLs', async () => {
    expect(await refusal('file:///etc/passwd')).toMatch(/scheme file:/);
    expect(await refusal('gopher://hooks.example.com/')).toMatch(/scheme gopher:/);
    expect(await refusal('ftp://hooks.example.com/')).toMatch(/scheme ftp:/);
    // The userinfo trick: the host is 127.0.0.1, and credentials are refused anyway.
    expect(await refusal('http://hooks.example.com@127.0.0.1/')).toMatch(/credentials/);
    expect(await refusal('http://user:pw@hooks.example.com/')).toMatch(/credentials/);
    expect(await refusal('not a url')).toMatch(/not a valid absolute URL/);
    expect(await refusal('/relative/path')).toMatch(/not a valid absolute URL/);
    expect(await refusal(`https://hooks.example.com/${'a'.repeat(5000)}x`)).toMatch(/…/);
  });

  it('lets configuration allow private networks or named hosts', async () => {
    expect((await checkOutboundUrl('http://10.0.0.5/', { resolve, allowPrivate: true })).addresses).toEqual(['10.0.0.5']);
    expect((await checkOutboundUrl('https://internal.example.com/', { resolve, allowHosts: ['INTERNAL.example.com.'] })).addresses).toEqual(['192.168.1.10']);
    expect(await refusal('https://localhost/', { allowHosts: ['internal.example.com'] })).toMatch(/loopback/);
    expect(outboundUrlPolicyFromEnv({ KILN_OUTBOUND_ALLOW_PRIVATE: '1', KILN_OUTBOUND_ALLOW_HOSTS: 'a.internal, b.internal' })).toEqual({ allowPrivate: true, allowHosts: ['a.internal', 'b.internal'] });
    expect(outboundUrlPolicyFromEnv({})).toEqual({ allowPrivate: false, allowHosts: [] });
  });

  it('classifies addresses', () => {
    expect(blockedRange('8.8.8.8')).toBeNull();
    expect(blockedRange('172.15.255.255')).toBeNull();
    expect(blockedRange('172.32.0.0')).toBeNull();
    expect(blockedRange('172.31.255.255')).toMatch(/private/);
    expect(blockedRange('2001:4860:4860::8888')).toBeNull();
    expect(blockedRange('::ffff:8.8.8.8')).toBeNull();
    expect(blockedRange('fe80::1%eth0')).toMatch(/link-local/);
    expect(blockedRange('nonsense')).toBe('not an IP address');
  });
});
