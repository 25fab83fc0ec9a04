import { describe, expect, it } from 'vitest';
import { parseRobots } from './robots.ts';

const UA = 'taxonomy-build/0.1 (+crawl-team@example.edu)';

describe('parseRobots', () => {
  const robots = parseRobots(
    'https://www.cs.duke.edu/robots.txt',
    ['User-agent: BadBot', 'Disallow: /', '', 'User-agent: *', 'Crawl-delay: 2.5', 'Disallow: /private', 'Disallow: /*/print$', 'Allow: /private/open', '', 'Sitemap: https://www.cs.duke.edu/sitemap.xml'].join('\n'),
    UA,
  );

  it.each([
    ['https://www.cs.duke.edu/index', true],
    ['https://www.cs.duke.edu/private/data', false],
    ['https://www.cs.duke.edu/private/open/page', true],
    ['https://www.cs.duke.edu/research/systems/print', false],
    ['https://www.cs.duke.edu/research/systems/print/more', true],
    ['https://other.example.edu/private/data', true],
  ])('%s allowed: %s', (url, allowed) => {
    expect(robots.isAllowed(url)).toBe(allowed);
  });

  it('reads the crawl-delay of the matching group and the sitemaps', () => {
    expect(robots.crawlDelayMs).toBe(2500);
    expect(robots.sitemaps).toEqual(['https://www.cs.duke.edu/sitemap.xml']);
  });

  it('picks the group named by our product token', () => {
    const own = parseRobots('https://x.edu/robots.txt', 'User-agent: *\nDisallow: /\n\nUser-agent: taxonomy-build\nDisallow: /drafts\nCrawl-delay: 1', UA);
    expect([own.isAllowed('https://x.edu/areas'), own.isAllowed('https://x.edu/drafts/a'), own.crawlDelayMs]).toEqual([true, false, 1000]);
  });
});
