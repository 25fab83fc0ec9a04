/** `scheme://user:password@` inside any text: the user-info part of a URL. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]+@/giu;

/**
 * Removes the user-info part of every URL in `text` (`http://user:SECRET@host/v1` → `http://[redacted]@host/v1`),
 * so an endpoint with embedded credentials can be recorded (manifest, logs, errors, records) without the secret.
 */
export function redactUrlCredentials(text: string): string {
  return text.replace(URL_CREDENTIALS, '$1[redacted]@');
}

/** True when `text` holds a URL with a user-info part. */
export function hasUrlCredentials(text: string): boolean {
  URL_CREDENTIALS.lastIndex = 0;
  const found = URL_CREDENTIALS.test(text);
  URL_CREDENTIALS.lastIndex = 0;
  return found;
}
