import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KIND_DIRS, type Site } from './site.ts';

/** Parent anchors the bundled sources manifest declares, so crawled pages are anchored as the bundled ones are. */
function bundledAnchors(root: string): { researchAreas: string | null; venues: Record<string, string> } {
  const manifest = JSON.parse(readFileSync(join(root, 'corpus/sources.json'), 'utf8')) as {
    sources: Array<{ options?: { kinds?: string[] }; parent_anchor?: string; parent_anchor_by_institution?: Record<string, string> }>;
  };
  const of = (kind: string) => manifest.sources.find((s) => s.options?.kinds?.includes(kind));
  return { researchAreas: of('research_areas')?.parent_anchor ?? null, venues: of('cfp_topics')?.parent_anchor_by_institution ?? {} };
}

/**
 * A seeds file for the test site: one entry per section and kind, seeded at the section's index, kept to
 * its path, snapshots taken only of its pages of that kind (the index and the calendar are read for links).
 */
export function testSiteSeeds(site: Site, root: string, overrides: Record<string, unknown> = {}): { $comment: string; entries: Array<Record<string, unknown>> } {
  const anchors = bundledAnchors(root);
  const entries: Array<Record<string, unknown>> = [];
  for (const section of site.sections) {
    for (const kind of ['units', 'research_areas', 'cfp_topics'] as const) {
      if (!section.pages.some((p) => p.kind === kind)) continue;
      const parent = kind === 'research_areas' ? anchors.researchAreas : kind === 'cfp_topics' ? (anchors.venues[section.institution] ?? null) : null;
      entries.push({
        id: `${section.slug}-${kind.replace(/_/gu, '-')}`,
        institution: section.institution,
        kind,
        ...(parent === null ? {} : { parent_anchor: parent }),
        seed_urls: [`${site.base}/${section.slug}/`],
        allowed_domains: [new URL(site.base).hostname],
        path_prefixes: [`/${section.slug}/`],
        include_patterns: [`/${section.slug}/${KIND_DIRS[kind]}/`],
        snapshot_patterns: [`/${section.slug}/${KIND_DIRS[kind]}/`],
        max_pages: 30,
        max_depth: 3,
        ...overrides,
      });
    }
  }
  return { $comment: `Seeds for the test site at ${site.base} (tools/test-site). One entry per section and kind.`, entries };
}
