/**
 * Client credentials through the real CLI against a real in-process server (auth on): `kiln login` checks
 * the token before storing it in a 0600 file (0700 folder), `kiln whoami` sends it, `KILN_TOKEN` wins over
 * the file, a group/world-readable file is refused, a malformed one is a clear error, `kiln logout` forgets.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kiln } from '../../src/kiln.js';
import { openKiln } from '../../src/kiln.js';
import { localPrincipal } from '../../src/security/local-principal.js';
import { createApp } from '../../src/server/create-app.js';
import type { KilnApp } from '../../src/server/kiln-app.js';
import { json, REPO, runKiln, tempDir } from './run-kiln.js';

/** `kiln ...args` with `input` on standard input. */
function runWithStdin(args: string[], input: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = execFile(process.execPath, [join(REPO, 'bin/kiln.js'), ...args], { env: { ...process.env, ...env } }, (err, stdout, stderr) => done({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }));
    child.stdin?.end(input);
  });
}

let kiln: Kiln;
let app: KilnApp;
let server: string;
let editor: { token: string; id: string };
let viewer: { token: string; id: string };

beforeAll(async () => {
  kiln = await openKiln({ home: await tempDir('kiln-login-server-'), databaseUrl: undefined });
  app = await createApp(kiln, { logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  server = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const e = await kiln.security.createToken({ name: 'editor', grants: [{ project: 'default', role: 'editor' }] }, localPrincipal());
  const v = await kiln.security.createToken({ name: 'viewer', grants: [{ project: 'default', role: 'viewer' }] }, localPrincipal());
  editor = { token: e.token, id: e.record.id };
  viewer = { token: v.token, id: v.record.id };
}, 60_000);

afterAll(async () => {
  await app?.close();
  await kiln?.close();
});

describe('kiln login / whoami / logout', () => {
  it('stores a checked token with mode 0600, sends it, lets KILN_TOKEN win, refuses a readable file, forgets on logout', async () => {
    const home = await tempDir();
    const config = join(home, 'config');
    const file = join(config, 'kiln', 'credentials.json');
    const env = { XDG_CONFIG_HOME: config, KILN_TOKEN: '', KILN_SERVER: '', KILN_CREDENTIALS_FILE: '' };

    const bad = await runKiln(['login', '--server', server, '--token', 'kiln_aaaaaaaaaaaa_wrong'], { home, env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/token/i);
    await expect(stat(file)).rejects.toThrow();
    expect((await runKiln(['login', '--server', 'ftp://x', '--token', 'x'], { home, env })).code).toBe(2);
    expect((await runKiln(['login', '--server', server], { home, env })).code).toBe(2);

    const login = await runKiln(['login', '--server', `${server}/`, '--json'], { home, env: { ...env, KILN_TOKEN: editor.token } });
    expect(login.code, login.stderr).toBe(0);
    expect(json(login)).toMatchObject({ server, actor: `token:${editor.id}`, roles: ['editor'] });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(config, 'kiln'))).mode & 0o077).toBe(0);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ version: 1, default: server, servers: { [server]: { token: editor.token } } });

    const me = await runKiln(['whoami', '--json'], { home, env });
    expect(me.code, me.stderr).toBe(0);
    expect(json(me)).toMatchObject({ server, tokenSource: 'credentials file', actor: `token:${editor.id}` });
    const overridden = json(await runKiln(['whoami', '--json'], { home, env: { ...env, KILN_TOKEN: viewer.token } }));
    expect(overridden).toMatchObject({ tokenSource: 'KILN_TOKEN', actor: `token:${viewer.id}` });

    await chmod(file, 0o644);
    const refused = await runKiln(['whoami'], { home, env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/is readable by others \(mode 0644\); refusing/);
    expect(refused.stderr).toMatch(/chmod 600/);
    await chmod(file, 0o600);

    // --token-stdin keeps the token out of the process list.
    const piped = await runWithStdin(['login', '--server', server, '--token-stdin', '--json'], `${viewer.token}\n`, { ...env, KILN_HOME: home });
    expect(piped.code, piped.stderr).toBe(0);
    expect(json(piped)).toMatchObject({ actor: `token:${viewer.id}` });
    expect((await runWithStdin(['login', '--server', server, '--token-stdin', '--token', 'x'], 'y', { ...env, KILN_HOME: home })).code).toBe(2);

    const out = await runKiln(['logout', '--json'], { home, env });
    expect(json(out)).toEqual({ removed: [server], default: null });
    await expect(stat(file)).rejects.toThrow();
    const local = json(await runKiln(['whoami', '--json'], { home, env }));
    expect(local).toMatchObject({ server: null, actor: expect.stringMatching(/^local:/) });
    const noToken = await runKiln(['whoami', '--server', server], { home, env });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toMatch(/no token for/);
  }, 120_000);

  it('a malformed credentials file and an unreachable server are clear usage errors', async () => {
    const home = await tempDir();
    const file = join(home, 'creds.json');
    const env = { KILN_CREDENTIALS_FILE: file, KILN_TOKEN: '', KILN_SERVER: '' };
    await mkdir(home, { recursive: true });
    await writeFile(file, '{not json', { mode: 0o600 });
    const malformed = await runKiln(['whoami'], { home, env });
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(/not valid JSON/);
    await writeFile(file, JSON.stringify({ version: 2, servers: [] }), { mode: 0o600 });
    expect((await runKiln(['whoami'], { home, env })).stderr).toMatch(/not a Kiln credentials file/);
    const down = await runKiln(['whoami', '--server', 'http://127.0.0.1:1'], { home, env: { ...env, KILN_CREDENTIALS_FILE: join(home, 'none.json'), KILN_TOKEN: editor.token } });
    expect(down.code).toBe(2);
    expect(down.stderr).toMatch(/cannot reach the Kiln server at http:\/\/127.0.0.1:1/);
  }, 60_000);
});
