import { describe, expect, it } from 'vitest';
import { dropPeopleParentheticals, isDefinition, isFurnitureLine, isHeadingFurniture, isLeadIn, isQuestion, listOfSentence, splitInlineBullets, stripListFiller } from './topic-lines.ts';

// Lines of real call-for-papers and research-area pages (held-out pages; corpus/pages).
describe('isFurnitureLine', () => {
  it.each([
    'Refereed paper submissions due: Tuesday, June 8, 2021, 11:59 pm AoE',
    'Rebuttal Period: August 23–25, 2021',
    'Electronic abstracts due:  February 20, 2004 (12 noon PST)',
    'Convener: Maria-Helena Ramos | Co-conveners: Elena Toth, Wouter Buytaert, Micha Werner',
    'Programme group scientific officers: Alberto Viglione, Maria-Helena Ramos',
    'Henry Darcy Medal Lecture by Marc F. P. Bierkens',
    'Poster Session Chair',
    'Test of Time Awards Committee',
    'Notification of Acceptance',
    'AUTHOR INSTRUCTIONS page 71',
    'Dear colleague,',
    'Below are submission guidelines, attendance information, important dates and organization details.',
    'Evaluation and Decision Criteria',
    'Graduate Program Areas of Specialization',
    'ICML 2020 Call for Papers',
  ])('%s', (line) => {
    expect(isFurnitureLine(line)).toBe(true);
  });

  it.each(['AI for SE', 'Program repair', 'Performance evaluation of GPU and multicore rendering', 'Time varying data and data history', 'Quantum Measurement and Control'])('%s is a topic', (line) => {
    expect(isFurnitureLine(line)).toBe(false);
  });
});

describe('headings, questions and definitions', () => {
  it.each([
    ['Themes and Concentrations', true],
    ['Faculty Research Areas', true],
    ['The Field', true],
    ['Computational Graphics', false],
    ['Developmental Psychopathology', false],
  ])('heading furniture: %s → %s', (text, expected) => {
    expect(isHeadingFurniture(text)).toBe(expected);
  });

  it('a question names no topic', () => {
    expect(isQuestion('How does the cultural context shape development?')).toBe(true);
  });

  it.each([
    ['Astrophysics is the branch of astronomy that employs the principles of physics and chemistry', true],
    ['Psychology may be defined as the science that focuses on behavior and mental processes', true],
    ['Research areas include: machine learning, motion planning for robotics', false],
  ])('definition: %s → %s', (text, expected) => {
    expect(isDefinition(text)).toBe(expected);
  });
});

describe('where a list is', () => {
  it.each([
    [
      'The Department of Physics has active research groups in nine main areas of current physics research: atomic, molecular, and optical physics; classical physics',
      'atomic, molecular, and optical physics; classical physics',
    ],
    ['Traditionally, chemistry has several main branches: analytical chemistry, inorganic chemistry', 'analytical chemistry, inorganic chemistry'],
    ['Atomic properties of rare earth elements, spin polarization, photonics and waveguides, and astrophysics are all studied', 'Atomic properties of rare earth elements, spin polarization, photonics and waveguides, and astrophysics'],
    ['Single-molecule spectroscopy, nonlinear terahertz spectroscopy, and femtosecond x-ray scattering are among the new techniques being developed', 'Single-molecule spectroscopy, nonlinear terahertz spectroscopy, and femtosecond x-ray scattering'],
    ['Area I: Information Systems (InfoSys)', null],
  ])('%s', (sentence, list) => {
    expect(listOfSentence(sentence)).toBe(list);
  });

  it.each([
    ['Important areas of study', true],
    ['Theoretical work', true],
    ['It', true],
    ['societal considerations', false],
    ['General Machine Learning', false],
  ])('lead-in: %s → %s', (head, expected) => {
    expect(isLeadIn(head)).toBe(expected);
  });
});

describe('list pieces', () => {
  it('splits inline "o" bullets', () => {
    expect(splitInlineBullets('o SE for Machine learning systems o Program synthesis o AI for DevOps')).toEqual(['SE for Machine learning systems', 'Program synthesis', 'AI for DevOps']);
  });

  it('drops a parenthesised list of people, keeps examples', () => {
    expect(dropPeopleParentheticals('language, causal reasoning and categorization. (Central faculty include: Arrington, Bickhard, Carlisle, CoxHupbach, and Marsh)')).toBe('language, causal reasoning and categorization.');
    expect(dropPeopleParentheticals('General Machine Learning (e.g., classification, unsupervised learning)')).toBe('General Machine Learning (e.g., classification, unsupervised learning)');
  });

  it.each([
    ['and sometimes, biochemistry', 'biochemistry'],
    ['usability evaluations of new or existing security or privacy features and lessons learned', 'usability evaluations of security or privacy features'],
    ['human computer interaction topics from around the world', 'human computer interaction'],
    ['recent advances in computer graphics', 'computer graphics'],
  ])('filler: %s → %s', (item, out) => {
    expect(stripListFiller(item)).toBe(out);
  });
});
