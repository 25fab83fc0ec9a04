import { describe, expect, it } from 'vitest';
import { splitConjuncts, splitFields } from './split.ts';

describe('splitFields', () => {
  it.each([
    ['Electrical and Computer Engineering', ['Electrical Engineering', 'Computer Engineering']],
    ['Earth and Mineral Sciences', ['Earth Sciences', 'Mineral Sciences']],
    ['Physics and Astronomy', ['Physics', 'Astronomy']],
    ['Music and Cognitive Science', ['Music', 'Cognitive Science']],
    ['Chemistry and Chemical Engineering', ['Chemistry', 'Chemical Engineering']],
    ['Molecular, Cellular & Developmental Biology', ['Molecular Biology', 'Cellular Biology', 'Developmental Biology']],
    ['Near Eastern Languages & Civilizations', ['Near Eastern Languages', 'Near Eastern Civilizations']],
    ['Health Policy & Management', ['Health Policy', 'Health Management']],
    ['Russian and East European Studies', ['Russian Studies', 'East European Studies']],
    ['History of Science & Medicine', ['History of Science', 'History of Medicine']],
    ['Arts & Sciences', ['Arts & Sciences']],
    ['Materials Science and Engineering', ['Materials Science and Engineering']],
    ['Therapeutic Radiology/radiation Oncology', ['Therapeutic Radiology', 'radiation Oncology']],
    ['Ecology & Evolutionary Biology', ['Ecology', 'Evolutionary Biology']],
    ['17th and 18th century studies', ['17th century studies', '18th century studies']],
    ['17th- and 18th-Century Studies', ['17th Century Studies', '18th-Century Studies']],
  ])('%s', (text, parts) => {
    expect(splitFields(text).parts).toEqual(parts);
  });
});

describe('splitConjuncts', () => {
  it.each([
    ['Film, Television, and Media', ['Film', 'Television', 'Media']],
    ['Integrative Systems + Design', ['Integrative Systems', 'Design']],
    ['chicana/o', ['chicana/o']],
    ['otolaryngology / head & neck surgery', ['otolaryngology', 'head and neck surgery']],
    // A fixed name is masked only where its first word occurs; the long s (ſ) is an "s" to case-insensitive matching.
    ['history and Arts & Sciences', ['history', 'Arts and Sciences']],
    ['Art\u017f and Sciences', ['Art\u017f and Sciences']],
  ])('%s', (text, parts) => {
    expect(splitConjuncts(text)).toEqual(parts);
  });
});

describe('splitFields — topic lists', () => {
  it.each([
    ['graph and link mining', ['graph mining', 'link mining']],
    ['classification and regression methods', ['classification methods', 'regression methods']],
    ['security or privacy features', ['security features', 'privacy features']],
    ['mining temporal and spatial data', ['mining temporal data', 'mining spatial data']],
    ['efficient or distributed mining algorithms', ['efficient mining algorithms', 'distributed mining algorithms']],
    ['combinatorial/discrete optimization', ['combinatorial optimization', 'discrete optimization']],
    ['Design/production engineering', ['Design engineering', 'production engineering']],
    ['cognition and language, social and cognitive development, and social cognition and personality', ['cognition', 'language', 'social development', 'cognitive development', 'social cognition', 'personality']],
    // in-sample lines that must not change
    ['Concurrency and Distributed Computing', ['Concurrency', 'Distributed Computing']],
    ['Generalization and multi-task learning', ['Generalization', 'multi-task learning']],
    ['Language and multimodal language models', ['Language models', 'multimodal language models']],
    ['machine learning and visualization', ['machine learning', 'visualization']],
  ])('%s', (text, parts) => {
    expect(splitFields(text, { topics: true }).parts).toEqual(parts);
  });
});
