/**
 * End-to-end: the real `kiln server` process (what `npm start` runs). The first start prints an admin
 * token once and refuses anonymous requests; a restart prints none; the token never appears in the log;
 * `--no-auth` is refused off loopback; `--tls-cert/--tls-key` serve HTTPS (self-signed cert made here).
 */
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { request as httpsRequest } from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO, runKiln, tempDir } from './run-kiln.js';

const TOKEN = /kiln_[a-z0-9]{12}_[A-Za-z0-9_-]{43}/;
const running: ChildProcess[] = [];

interface Started {
  readonly url: string;
  readonly stdout: () => string;
  readonly proc: ChildProcess;
}

function start(home: string, args: string[] = []): Promise<Started> {
  const proc = spawn(process.execPath, [join(REPO, 'bin/kiln.js'), 'server', '--port', '0', ...args], {
    env: { ...process.env, KILN_HOME: home, KILN_DATABASE_URL: '', KILN_LOG_LEVEL: 'info', KILN_IMPORT_ROOT: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(proc);
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  return new Promise((done, fail) => {
    let err = '';
    const timer = setTimeout(() => fail(new Error(`server did not start: ${err}`)), 30_000);
    proc.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /listening on (https?:\/\/\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        done({ url: m[1], stdout: () => out, proc });
      }
    });
    proc.on('exit', (code) => fail(new Error(`server exited ${code}: ${err}`)));
  });
}

async function stop(s: Started): Promise<void> {
  const exited = new Promise((r) => s.proc.once('exit', r));
  s.proc.kill('SIGTERM');
  await exited;
}

afterEach(() => {
  for (const p of running.splice(0)) if (p.exitCode === null) p.kill('SIGTERM');
});

describe('kiln server authentication', () => {
  it('prints an admin token once on first start, refuses anonymous requests, never logs the token', async () => {
    const home = await tempDir();
    const first = await start(home);
    const token = TOKEN.exec(first.stdout())?.[0];
    expect(token, first.stdout()).toBeDefined();
    const anon = await fetch(`${first.url}/v1/datasets`);
    expect(anon.status).toBe(401);
    expect(await anon.json()).toMatchObject({ error: { code: 'unauthenticated' } });
    expect((await fetch(`${first.url}/v1/datasets`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    const secret = (token ?? '').slice(18);
    const wrong = `${(token ?? '').slice(0, 18)}${secret.split('').reverse().join('')}`;
    expect((await fetch(`${first.url}/v1/datasets`, { headers: { authorization: `Bearer ${wrong}` } })).status).toBe(401);
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    const logLines = first.stdout().split('\n').filter((l) => l.startsWith('{'));
    expect(logLines.length).toBeGreaterThan(3);
    for (const l of logLines) {
      expect(l).not.toContain(secret);
      expect(l).not.toContain(secret.split('').reverse().join(''));
    }
    await stop(first);
    const again = await start(home);
    expect(again.stdout()).not.toMatch(TOKEN);
    expect((await fetch(`${again.url}/v1/datasets`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    await stop(again);
  }, 60_000);

  it('refuses --no-auth off loopback and warns loudly on loopback', async () => {
    const home = await tempDir();
    const refused = await runKiln(['server', '--no-auth', '--host', '0.0.0.0', '--port', '0'], { home });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--no-auth is only allowed on a loopback address/);
    const open = await start(home, ['--no-auth']);
    expect(open.stdout()).not.toMatch(TOKEN);
    expect((await fetch(`${open.url}/v1/datasets`)).status).toBe(200);
    await stop(open);
  }, 60_000);

  it('serves HTTPS with --tls-cert/--tls-key', async () => {
    const home = await tempDir();
    const cert = join(home, 'cert.pem');
    const key = join(home, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
    const s = await start(home, ['--tls-cert', cert, '--tls-key', key]);
    expect(s.url).toMatch(/^https:\/\//);
    const res = await new Promise<{ status: number; hsts: string | undefined; body: string }>((done, fail) => {
      const req = httpsRequest(`${s.url}/healthz`, { ca: readFileSync(cert) }, (r) => {
        let body = '';
        r.on('data', (d: Buffer) => (body += d.toString()));
        r.on('end', () => done({ status: r.statusCode ?? 0, hsts: r.headers['strict-transport-security'] as string | undefined, body }));
      });
      req.on('error', fail);
      req.end();
    });
    expect(res).toMatchObject({ status: 200, hsts: 'max-age=31536000' });
    await stop(s);
    const half = await runKiln(['server', '--tls-cert', cert, '--port', '0'], { home });
    expect(half.code).toBe(2);
  }, 60_000);
});
