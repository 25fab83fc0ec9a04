import * as z from 'zod';
import type { Config } from '@taxonomy/config';
import type { Concept, PlacementMethod } from '@taxonomy/core';

/** What placement needs of one S0 record: where it came from and the parent its source declares. */
export interface PlacementRecord {
  id: string;
  /** The level the record was read for (S0), before any level move of its label. */
  level: number;
  /** Canonical institution identity (as S2 resolved it). */
  institution: string;
  text: string;
  /** The parent the source declares (a path column, `parent_anchor`, `parent_anchor_by_institution`). */
  declared: string | null;
  /** A real page heading the record sat under, if any. */
  section: string | null;
}

export type PlacementSettings = Config['placement'];

/** One vote for a parent: which institution, which kind of evidence, how it was found. */
export interface Vote {
  parent: string;
  institution: string;
  method: Extract<PlacementMethod, 'declared' | 'institution'>;
  weight: number;
  detail: string;
}

/** A declared parent that was not kept, with why (for the concept's reasons and the console). */
export const OverrideSchema = z.object({
  concept_id: z.string(),
  label: z.string(),
  level: z.number().int(),
  institution: z.string(),
  declared: z.string().describe('The anchor text the source declares'),
  declared_parent: z.string().nullable().describe('The concept it resolved to (null: it resolved to none)'),
  chosen_parent: z.string().nullable(),
  reason: z.string(),
});
export type Override = z.infer<typeof OverrideSchema>;

/** Per-level accounting of placement, for metrics and the summary. */
export interface LevelCounters {
  concepts: number;
  placed_declared: number;
  placed_institution: number;
  placed_backbone: number;
  unplaced: number;
  declared_votes: number;
  declared_kept: number;
  declared_overridden: number;
  declared_unresolved: number;
}

export interface PlaceResult {
  concepts: Concept[];
  overrides: Override[];
  counters: Record<string, number>;
  levels: Record<string, LevelCounters>;
}
