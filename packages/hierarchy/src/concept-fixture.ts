import { ConceptSchema, type Concept } from '@taxonomy/core';

/** A valid Concept with plausible support, for tests and examples; `extra` overrides any field. */
export function makeConcept(id: string, level: number, label: string, parent: string | null, extra: Partial<Concept> = {}): Concept {
  return ConceptSchema.parse({
    id,
    level,
    label,
    parent,
    aliases: [],
    institutions: ['university of pennsylvania', 'yale university'],
    record_ids: [`r-${label.length.toString(16).padStart(16, '0')}`],
    records: 1,
    support: { records: 1, institutions: 2, count: 1 },
    weight: 2.2,
    gates: { frequency: true, token_verification: true },
    reasons: ['frequency: 2 institutions ≥ 1'],
    ...extra,
  });
}
