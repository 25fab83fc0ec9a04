import { describe, expect, it } from 'vitest';
import { checkScope, isAllowedDomain, normalizeUrl } from './url.ts';

describe('normalizeUrl', () => {
  it.each([
    ['HTTPS://Example.EDU/Path?q=1#frag', undefined, 'https://example.edu/Path?q=1'],
    ['http://example.edu', undefined, 'http://example.edu/'],
    ['http://www.cs.duke.edu:80/research/systems', undefined, 'http://www.cs.duke.edu/research/systems'],
    ['/about', 'https://example.edu/research/areas', 'https://example.edu/about'],
    ['https://example.org/contact', 'https://example.edu/', 'https://example.org/contact'],
    ['faq', 'https://example.edu/dept/', 'https://example.edu/dept/faq'],
    ['mailto:chair@cs.duke.edu', 'https://example.edu/', null],
    ['javascript:void(0)', 'https://example.edu/', null],
    ['ftp://ftp.cs.cmu.edu/pub', undefined, null],
    ['https://user:pw@example.edu/', undefined, null],
    ['not a url', undefined, null],
  ])('%s (base %s) → %s', (raw, base, expected) => {
    expect(normalizeUrl(raw, base)).toBe(expected);
  });
});

describe('isAllowedDomain', () => {
  it.each([
    ['example.edu', ['example.edu'], true],
    ['sub.example.edu', ['example.edu'], true],
    ['badexample.edu', ['example.edu'], false],
    ['example.edu', ['.example.edu'], true],
    ['CS.Duke.EDU', ['duke.edu'], true],
    ['duke.edu.evil.com', ['duke.edu'], false],
    ['127.0.0.1', ['127.0.0.1'], true],
  ])('%s in %j → %s', (host, domains, expected) => {
    expect(isAllowedDomain(host, domains)).toBe(expected);
  });
});

describe('checkScope', () => {
  const scope = { allowedDomains: ['cs.duke.edu'], pathPrefixes: ['/research/'], exclude: [/\/events\//u, /[?&]print=/u] };
  it.each([
    ['https://www.cs.duke.edu/research/systems', null],
    ['https://www.cs.duke.edu/people/faculty', 'path'],
    ['https://www.cs.duke.edu/research/events/2025', 'exclude'],
    ['https://www.cs.duke.edu/research/systems?print=1', 'exclude'],
    ['https://www.duke.edu/research/systems', 'domain'],
  ])('%s → %s', (url, verdict) => {
    expect(checkScope(url, scope)).toBe(verdict);
  });
});
