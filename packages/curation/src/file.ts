import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type * as JsoncParser from 'jsonc-parser';
import { TaxonomyError, lazyRequire, sha256Hex, writeFileAtomic } from '@taxonomy/core';
import { CURATION_FILE, CURATION_OPS, CurationFileSchema, type CurationDecision, type CurationFile } from './schema.ts';

// Loaded when a curation file is read, not by every curation and finalize task of a workspace without one: ≈ 20 ms.
const jsonc = lazyRequire<typeof JsoncParser>(import.meta.url, 'jsonc-parser');

export interface LoadedCurationFile {
  /** Path relative to the workspace root (as given when absolute). */
  path: string;
  present: boolean;
  /** SHA-256 of the file bytes (null when absent). */
  sha256: string | null;
  file: CurationFile;
}

const EMPTY: CurationFile = { decisions: [] };

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i += 1) if (text.charCodeAt(i) === 10) line += 1;
  return line;
}

/**
 * Parses the text of a curation file. Errors are CONFIG_INVALID and name the file, the line, the
 * decision (`decisions[2] (pin L2:…)`) and the field, so a person can fix the file by hand.
 */
export function parseCurationText(text: string, path: string): CurationFile {
  const { findNodeAtLocation, parseTree, printParseErrorCode } = jsonc();
  const errors: JsoncParser.ParseError[] = [];
  const tree = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
  if (errors.length > 0 || tree === undefined) {
    const first = errors[0];
    const where = first === undefined ? '' : `:${lineOf(text, first.offset)}`;
    throw new TaxonomyError('CONFIG_INVALID', `${path}${where}: malformed JSON${first === undefined ? '' : ` (${printParseErrorCode(first.error)})`}`);
  }
  const raw = JSON.parse(text) as unknown;
  const parsed = CurationFileSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const messages = parsed.error.issues.slice(0, 5).map((issue) => {
    const path_ = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    // The deepest node that exists gives the line.
    let node = undefined as ReturnType<typeof findNodeAtLocation>;
    for (let n = path_.length; n >= 0 && node === undefined; n -= 1) node = findNodeAtLocation(tree, path_.slice(0, n));
    const line = node === undefined ? 1 : lineOf(text, node.offset);
    const index = path_[0] === 'decisions' && typeof path_[1] === 'number' ? path_[1] : null;
    let subject = path_.length === 0 ? '(file)' : path_.join('.');
    if (index !== null) {
      const item = (raw as { decisions?: unknown[] }).decisions?.[index] as { op?: unknown; concept?: unknown } | undefined;
      const op = typeof item?.op === 'string' ? item.op : '?';
      const concept = typeof item?.concept === 'string' ? ` ${item.concept}` : '';
      const field = path_.slice(2).join('.');
      subject = `decisions[${index}] (${op}${concept})${field === '' ? '' : `: ${field}`}`;
    }
    let message = issue.message;
    if (issue.code === 'invalid_union' && path_.at(-1) === 'op') message = `must be one of ${CURATION_OPS.join('|')}`;
    return `${path}:${line}: ${subject}: ${message}`;
  });
  const more = parsed.error.issues.length > 5 ? ` (and ${parsed.error.issues.length - 5} more)` : '';
  throw new TaxonomyError('CONFIG_INVALID', `${messages.join('; ')}${more}`);
}

/** Reads the decisions file; a missing file means no decisions (present: false). */
export async function loadCurationFile(root: string, file: string = CURATION_FILE): Promise<LoadedCurationFile> {
  const abs = isAbsolute(file) ? file : join(root, file);
  if (!existsSync(abs)) return { path: file, present: false, sha256: null, file: EMPTY };
  const bytes = await readFile(abs);
  return { path: file, present: true, sha256: sha256Hex(bytes), file: parseCurationText(bytes.toString('utf8'), file) };
}

const KEY_ORDER = ['op', 'concept', 'parent', 'into', 'label', 'alias', 'note'];

/** The file as people read it: `$comment` first, then one decision object per entry with a fixed key order. */
export function formatCurationFile(file: CurationFile): string {
  const ordered = (d: CurationDecision) => {
    const entries = Object.entries(d).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => KEY_ORDER.indexOf(a) - KEY_ORDER.indexOf(b));
    return Object.fromEntries(entries);
  };
  const body = { ...(file.$comment === undefined ? {} : { $comment: file.$comment }), decisions: file.decisions.map(ordered) };
  return `${JSON.stringify(body, null, 2)}\n`;
}

export const DEFAULT_CURATION_COMMENT =
  'Human decisions applied by curation:apply before hierarchy assembly, in order: pin (parent), rename (label), merge (concept into another), drop (concept and its subtree), alias (extra label); each may carry a note. Edit by hand or with `npx taxonomy curate pin|rename|merge|drop|alias`. Ids are those of artifacts/taxonomy/concepts.jsonl.';

/** Writes the decisions file atomically (validated first, so a bad edit never reaches disk). */
export async function writeCurationFile(root: string, file: CurationFile, path: string = CURATION_FILE): Promise<void> {
  const text = formatCurationFile(file);
  parseCurationText(text, path);
  await writeFileAtomic(isAbsolute(path) ? path : join(root, path), text);
}
