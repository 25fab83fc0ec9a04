/**
 * Characters and cell values that are never data. A NUL, a control character or a bidirectional override
 * in a unit name ("Trojan Source" text that displays differently from what it says) passed every loader;
 * a spreadsheet error (`#REF!`) or a formula (`=HYPERLINK(…)`) reached the taxonomy as an institution.
 * The loaders quarantine such items with the reason these functions give; nothing is stripped or mangled.
 */

/** C0 controls except tab and line feed, DEL, C1 controls, bidi embeddings/overrides/isolates, non-characters. */
const UNSAFE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uFFFE\uFFFF]/u;

/** Why `text` holds a character that is never data ("control character U+0000"), or null. */
export function unsafeCharacter(text: string): string | null {
  const m = UNSAFE.exec(text);
  if (m === null) return null;
  const code = m[0].codePointAt(0)!;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  if ((code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069)) return `bidirectional control character ${hex}`;
  if (code === 0xfffe || code === 0xffff) return `non-character ${hex}`;
  return `control character ${hex}`;
}

const SPREADSHEET_ERRORS = /^#(?:REF!|N\/A|VALUE!|DIV\/0!|NAME\?|NULL!|NUM!|SPILL!|CALC!|FIELD!|BLOCKED!|CONNECT!|BUSY!|UNKNOWN!|GETTING_DATA)$/iu;

/** Why a table cell's text is not data (a spreadsheet error value, a formula), or null. */
export function badCellValue(text: string): string | null {
  const t = text.trim();
  if (SPREADSHEET_ERRORS.test(t)) return `spreadsheet error ${t}`;
  if (t.startsWith('=')) return 'a formula (starts with "="), not data';
  return unsafeCharacter(t);
}
