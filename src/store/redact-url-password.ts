/**
 * Database URLs in messages and logs: the password replaced by `***`. Its own module so that naming a URL
 * in an error does not load the PostgreSQL driver.
 */

/** The URL with any password replaced by `***`, for messages and logs. */
export function redactPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
  }
}
