/** Taxonomy level: 0 fields, 1 departments, 2 research areas, 3 topics. */
export type Level = 0 | 1 | 2 | 3;

/** One label found in a text: as named, its canonical form and other names. */
export interface ExtractedLabel {
  label: string;
  normalized: string;
  aliases: string[];
}

/** One rule that changed the text on the way to the labels, for the per-record log. */
export interface ExtractionStep {
  step: string;
  detail: string;
}

export interface ExtractionTrace {
  labels: ExtractedLabel[];
  steps: ExtractionStep[];
}

export interface ExtractLabelsInput {
  text: string;
  institution: string | null;
  level: Level;
  section?: string | null;
}
