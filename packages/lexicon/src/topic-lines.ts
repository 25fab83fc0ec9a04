import { tokenize } from '@taxonomy/core';
import { isNameWord } from './names.ts';
import { normalize } from './normalize.ts';
import { CFP_FURNITURE, CFP_WORDS, HEADING_WORDS, LEAD_IN_NOUNS } from './tables.ts';

/**
 * Line-level rules for research-area and call-for-papers pages (levels 2-3): which lines are furniture, headings,
 * questions or definitions, and where a list starts after a lead-in or ends before a lead-out.
 */

const STOPWORDS = new Set(['of', 'and', 'the', 'for', 'to', 'by', 'on', 'in', 'at', 'a', 'an', 'our', 'your', 'all', 'via', 'per', 'or', 'with']);

const MONTH = '(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
/** A calendar date ("February 20, 2004", "20 May", "Tuesday"): a short line with one is a deadline, not a topic. */
const DATE = new RegExp(`\\b${MONTH}\\.?\\s+\\d{1,2}(?:st|nd|rd|th)?\\b|\\b\\d{1,2}(?:st|nd|rd|th)?\\s+${MONTH}\\b|\\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\\b`, 'iu');

/** Heading-like line of the page's own furniture ("Faculty Research Areas", "Themes and Concentrations", "The Field"). */
export function isHeadingFurniture(text: string): boolean {
  return headingTokens(tokenize(normalize(text)));
}

function headingTokens(tokens: readonly string[]): boolean {
  return tokens.length > 0 && tokens.every((t) => HEADING_WORDS.has(t) || CFP_WORDS.has(t) || /^\d+$/u.test(t));
}

/** Every content word is call-for-papers logistics, a number, or a name ("Poster Session Chair", "Rebuttal Period: August 23–25"). */
function isLogistics(text: string, normalizedTokens: readonly string[] = tokenize(normalize(text))): boolean {
  // cheap test first: no logistics or heading word, no furniture
  if (!normalizedTokens.some((t) => !STOPWORDS.has(t) && (CFP_WORDS.has(t) || HEADING_WORDS.has(t)))) return false;
  const words = text.split(/[\s,;|/]+/u).filter((w) => /\p{L}|\d/u.test(w));
  if (words.length === 0) return false;
  let logistic = 0;
  for (const w of words) {
    const tokens = tokenize(normalize(w));
    if (tokens.length === 0 || tokens.every((t) => CFP_WORDS.has(t) || HEADING_WORDS.has(t) || /^\d+(?:st|nd|rd|th|pm|am)?$/u.test(t))) {
      if (tokens.some((t) => !STOPWORDS.has(t))) logistic += 1;
    }
    else if (!isNameWord(w) && !DATE.test(w) && !/^(?:pm|am|aoe|utc|pst|est|gmt|noon)$/iu.test(w)) return false;
  }
  return logistic > 0;
}

/** True when a line of a topic page is call-for-papers furniture: dates, committees, names, guidelines, greetings. */
export function isFurnitureLine(line: string): boolean {
  const n = normalize(line);
  if (!n) return true;
  if (CFP_FURNITURE.includes(n)) return true;
  const tokens = tokenize(n);
  if (/^(?:call for papers|important dates|submission|camera ready|the following|we (?:invite|solicit|encourage|welcome|seek)|papers are invited|authors are|dear\b|below (?:are|is|you)|listed below|see below)/u.test(n)) return true;
  if (/\bcall for (?:papers|contributions|submissions|participation)\b/u.test(n) && tokens.length <= 8) return true;
  if (/\b(?:19|20)\d\d\b/u.test(n) && tokens.length <= 8 && /\b(?:call|conference|cfp|track|papers|[a-z]{2,8} (?:19|20)\d\d)\b/u.test(n)) return true;
  if ((n.includes(' by ') && /\b(?:lecture|talk|keynote|address)\s+by\b/u.test(n)) || (n.includes('criteria') && /\b(?:evaluation|review|decision|selection|acceptance) criteria\b/u.test(n))) return true;
  if (/\d/u.test(line) && DATE.test(line) && tokens.length <= 14) return true;
  // "Convener: Maria-Helena Ramos | Co-conveners: …", "Programme group scientific officers: …": logistics label, names after it.
  const label = line.includes(':') ? /^([^:]{2,60}):\s*(.*)$/u.exec(line) : null;
  if (label && isLogistics(label[1]!) && (label[2]!.length === 0 || isLogistics(label[2]!) || label[2]!.split(/[\s,;|]+/u).every((w) => !w || isNameWord(w) || /^(?:and|&)$/iu.test(w)))) return true;
  return headingTokens(tokens) || isLogistics(line, tokens);
}

/** A question ("How does the cultural context shape development?") asks about a topic; it names none. */
export function isQuestion(sentence: string): boolean {
  return /\?\s*$/u.test(sentence.trim());
}

/** "Astrophysics is the branch of astronomy that …", "Psychology may be defined as …": a definition names no list. */
export function isDefinition(sentence: string): boolean {
  if (!/\s(?:is|are|may)\s/u.test(sentence)) return false;
  return /^[\p{L}\s()'’-]{2,60}?\s(?:is|are)\s+(?:the|a|an)\s+(?:branch|study|science|field|application|discipline|art|analysis|use)\b/iu.test(sentence) || /\bmay be defined as\b/iu.test(sentence);
}

/** "Exploring the complex interactions between …", "Studying place, power, …": a research activity described, no topic named. */
export function isActivityDescription(sentence: string): boolean {
  return /^(?:exploring|studying|understanding|examining|investigating|approaching|developing|analy[sz]ing|addressing)\s/iu.test(sentence.trim());
}

/** "o SE for … o Program synthesis o …", "• a • b": inline bullet glyphs separate items. */
export function splitInlineBullets(line: string): string[] {
  if (!/(?:^|\s)(?:o|•|·|▪|‣|◦)\s/u.test(line)) return [line];
  const parts = line.split(/(?:^|\s+)(?:o|•|·|▪|‣|◦)\s+(?=\p{Lu})/u).map((p) => p.trim()).filter((p) => p.length > 0);
  return parts.length >= 2 ? parts : [line];
}

/** "(Central faculty include: Arrington, Bickhard, …)": a parenthesised list of people is dropped. */
export function dropPeopleParentheticals(text: string): string {
  if (!text.includes('(')) return text;
  return text.replace(/\s*\(([^()]*)\)/gu, (all, inner: string) => {
    const list = inner.replace(/^[^:]*:\s*/u, '');
    const words = list.split(/[\s,;]+/u).filter((w) => w.length > 0 && !/^(?:and|&|et|al\.?)$/iu.test(w));
    const people = /\b(?:faculty|people|members|contacts?|chairs?|organizers|speakers)\b/iu.test(inner) || (words.length >= 2 && words.every((w) => isNameWord(w)));
    return people ? '' : all;
  });
}

/** "(4)", "(b)": inline enumeration markers inside a list are not part of an item. */
export function dropInlineNumbers(text: string): string {
  return text.replace(/(?:^|(?<=[\s,;:]))\((?:\d{1,2}|[a-h])\)\s*/gu, '');
}

/**
 * Where the list of a sentence is: after a colon that ends a lead-in ("…nine main areas of current physics research:
 * a; b"), or before a lead-out ("a, b and c are all studied", "… are among the new techniques …"). Returns the list
 * part, or null when the sentence has neither.
 */
export function listOfSentence(sentence: string): string | null {
  if (!sentence.includes(':') && !/\s(?:are|is)\s/u.test(sentence)) return null;
  const colon = /^(.{12,}?):\s+(\S.*)$/u.exec(sentence);
  if (colon && isLeadIn(colon[1]!)) return colon[2]!;
  const out = /^(.*?\S)\s+(?:are|is)\s+(?:all\s+|also\s+|currently\s+)?(?:studied|investigated|explored|examined|researched|among\b.*|being\s+(?:studied|developed|investigated)\b.*)$/iu.exec(sentence);
  if (out && /,/u.test(out[1]!)) return out[1]!;
  return null;
}

/** Words before a list that introduce it rather than name a topic: lead-in nouns, pronouns, verbs of prose. */
export function isLeadIn(head: string): boolean {
  const tokens = tokenize(normalize(head));
  if (tokens.length === 0) return true;
  if (tokens.some((t) => LEAD_IN_NOUNS.has(t))) return true;
  return /\b(?:is|are|was|were|has|have|had|we|our|they|their|this|these|which|that|who|been|being|can|will|would|should|pursue|pursuing|offers?|provides?|emphasi[sz]es|attracts?|covers?|includes?|welcomes?|seeks?|contributes?|strives?|dedicated|arranged|divided|represented)\b/iu.test(head);
}

/** List filler around items: leading adverbs ("Traditionally,", "and sometimes,"), "new or existing", "… from around the world". */
export function stripListFiller(item: string): string {
  let out = item.replace(/^(?:(?:and|or)\s+)?(?:sometimes|traditionally|typically|usually|often|also|especially|particularly|notably|currently|recently)\b,?\s*/iu, '');
  if (/\sor\s/iu.test(out)) out = out.replace(/\b(?:new|existing|novel)\s+or\s+(?:new|existing|novel)\s+/giu, '');
  out = out.replace(/^(?:recent\s+)?advances\s+in\s+/iu, '');
  if (/world$/iu.test(out)) out = out.replace(/(?:\s+topics)?\s+from\s+around\s+the\s+world$/iu, '');
  if (/learned$/iu.test(out)) out = out.replace(/\s+and\s+lessons\s+learned$/iu, '');
  return out.trim();
}
