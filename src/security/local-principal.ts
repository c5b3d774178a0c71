/**
 * The principal of the embedded CLI acting directly on KILN_HOME: the OS user, with full rights (whoever
 * can read KILN_HOME can read the metadata anyway). Its own module so the CLI can name it without loading
 * the security service.
 */
import { userInfo } from 'node:os';
import type { Principal } from './permissions.js';

/** `local:<os user>`, a superuser. */
export function localPrincipal(): Principal {
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    user = process.env.USER ?? 'unknown';
  }
  return { actor: `local:${user}`, kind: 'local', grants: [], superuser: true };
}
