/**
 * URL rules of the crawl: one normal form (so the visited set, the cache and PageSnapshot agree), the
 * allowed-domain test and the scope of a seeds entry.
 */

/**
 * The normal form PageSnapshot uses: http(s) only, scheme and host lower-cased, default port and
 * fragment dropped, an empty path as `/`, query and path case kept. Returns null for anything else
 * (`mailto:`, `javascript:`, unparsable).
 */
export function normalizeUrl(raw: string, base?: string): string | null {
  let url: URL;
  try {
    url = base === undefined ? new URL(raw.trim()) : new URL(raw.trim(), base);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  url.hash = '';
  if (url.username !== '' || url.password !== '') return null;
  return url.toString();
}

/** `scheme://host[:port]` of a normalized URL: the unit robots.txt and the per-host limits apply to. */
export function originOf(url: string): string {
  return new URL(url).origin;
}

/**
 * True when `host` is one of `domains` or a subdomain of one: `cs.duke.edu` is in `duke.edu`,
 * `badexample.edu` is not in `example.edu`; a leading dot in a domain is ignored.
 */
export function isAllowedDomain(host: string, domains: ReadonlyArray<string>): boolean {
  const h = host.toLowerCase().replace(/\.$/u, '');
  return domains.some((d) => {
    const domain = d.toLowerCase().replace(/^\./u, '').replace(/\.$/u, '');
    return domain !== '' && (h === domain || h.endsWith(`.${domain}`));
  });
}

/** Why a URL is outside an entry's scope, or null when it is inside. */
export type ScopeVerdict = null | 'domain' | 'path' | 'exclude';

export interface Scope {
  allowedDomains: ReadonlyArray<string>;
  pathPrefixes: ReadonlyArray<string>;
  exclude: ReadonlyArray<RegExp>;
}

/** The scope test of a seeds entry: allowed domain, then path prefix, then exclude patterns (on the whole URL). */
export function checkScope(url: string, scope: Scope): ScopeVerdict {
  const parsed = new URL(url);
  if (!isAllowedDomain(parsed.hostname, scope.allowedDomains)) return 'domain';
  if (scope.pathPrefixes.length > 0 && !scope.pathPrefixes.some((p) => parsed.pathname.startsWith(p))) return 'path';
  if (scope.exclude.some((re) => re.test(url))) return 'exclude';
  return null;
}
