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
  ])('%s', (text, parts) => {
    expect(splitConjuncts(text)).toEqual(parts);
  });
});
