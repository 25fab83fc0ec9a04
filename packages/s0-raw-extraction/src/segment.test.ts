import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findWorkspaceRoot, normalizeLabel, tokenize } from '@taxonomy/core';
import { defaultConfig } from '@taxonomy/config';
import { compileBoilerplate, compileHeaderPatterns } from './filters.ts';
import { labelTokens, segmentText, trimCutText, type Block } from './segment.ts';

const s0 = defaultConfig().s0;
const options = (title: string | null = null, segmentation = s0.segmentation) => ({
  segmentation,
  boilerplate: compileBoilerplate(s0.boilerplate_patterns),
  headerPatterns: compileHeaderPatterns(segmentation.header_patterns),
  title,
});
const records = (blocks: Block[]) => blocks.filter((b) => b.type !== 'header');
const texts = (blocks: Block[]) => records(blocks).map((b) => b.text);

// Real page texts from corpus/pages/pages.jsonl (shortened where noted).
const NEURIPS_2026 = [
  'Call For Papers 2026',
  'We invite submissions presenting new and original research on topics including but not limited to the following:',
  'Computer vision',
  'Language and multimodal language models',
  'Robotics, embodied systems, and engineering',
  'AI/ML for physical sciences',
].join('\n');
const DUKE_CSE = 'Research\nAreas and Themes\nBig Data\nComputer Architecture\nCloud Computing\nData Centers\nDatabases\nDistributed Systems\nOperating Systems\nPrivacy\nSecurity\nand more';
const CORNELL_SUBAREAS = [
  'Department Research Areas',
  'The following list of research areas summarizes the research strengths of the department.',
  'Algorithms',
  'Architectures and VLSI',
  'Artificial Intelligence',
  'Research areas include: machine learning, motion planning for robotics, computer vision, and automated theorem proving.',
  'Concurrency and Distributed Computing',
  '[stored excerpt ends here]',
].join('\n');
const ACL_2007 =
  'Call For Papers\nPapers are invited on substantial, original, and unpublished research on all aspects of computational linguistics, including, but not limited to: pragmatics, semantics, syntax, grammars and the lexicon; phonetics, phonology and morphology; lexical semantics and ontologies; word segmentation, tagging and chunking; parsing; generation and summarization.';
const CALTECH_CATALOG = 'CONTENTS\n2. Areas of Study and Research\nAerospace\nBiotechnology\nChemical Engineering\nChemist[ry]\n[entries between Chemistry and Environmental Science are not in the stored excerpt]\nEnvironmental Science and Engineering';
const JHU_CATALOG =
  'Computer Science\nComputer science research laboratories are currently active in the following areas at Hopkins: algorithm design and analysis, human-computer interaction, machine learni...\n[stored excerpt ends here]';
const NORTHWESTERN_OVERVIEW = [
  'Department Overview',
  'Our graduate students and research faculty are inventing and implementing new:',
  'models of intelligence, both human and machine, to support autonomous computational agents (robots and softbots) and',
  'intelligent adaptive interfaces;',
  'algorithms and data structures to support large-scale computation and visualization.',
].join('\n');
const F0 = 'ADMISSIONS\nOverview:\n- Apply online\n- Submit transcripts\n\nRequirements:\nApplicants must provide transcripts and test scores.\n\n© 2024 Example University\nContact us\n';

describe('segmentText on sample pages', () => {
  it('keeps every CFP topic as its own item, drops the furniture line, keeps the page heading as section', () => {
    const { blocks, stats } = segmentText(NEURIPS_2026, options('Call For Papers 2026 (NeurIPS 2026)'));
    expect(stats.boilerplate_lines_removed).toBe(1);
    expect(records(blocks).map((b) => [b.type, b.section, b.text])).toEqual([
      ['list', 'Call For Papers 2026', 'Computer vision'],
      ['list', 'Call For Papers 2026', 'Language and multimodal language models'],
      ['list', 'Call For Papers 2026', 'Robotics, embodied systems, and engineering'],
      ['list', 'Call For Papers 2026', 'AI/ML for physical sciences'],
    ]);
  });

  it('treats plain lines of a list as items and furniture headings as sections', () => {
    const { blocks, stats } = segmentText(DUKE_CSE, options('Research - Areas and Themes (Duke Computer Systems & Engineering)'));
    expect(blocks.filter((b) => b.type === 'header').map((b) => b.text)).toEqual(['Research', 'Areas and Themes']);
    expect(texts(blocks)).toEqual([
      'Big Data', 'Computer Architecture', 'Cloud Computing', 'Data Centers', 'Databases', 'Distributed Systems', 'Operating Systems', 'Privacy', 'Security',
    ]);
    expect(new Set(records(blocks).map((b) => b.section))).toEqual(new Set(['Areas and Themes']));
    expect(stats.editorial_lines_removed).toBe(1); // "and more"
  });

  it('gives prose the label above it as section and keeps labels under the page heading', () => {
    const { blocks } = segmentText(CORNELL_SUBAREAS, options('Department Research Areas (Cornell Computer Science, CS Major Subareas)'));
    expect(records(blocks).map((b) => [b.type, b.section, b.text.slice(0, 40)])).toEqual([
      ['paragraph', 'Department Research Areas', 'The following list of research areas sum'],
      ['list', 'Department Research Areas', 'Algorithms'],
      ['list', 'Department Research Areas', 'Architectures and VLSI'],
      ['list', 'Department Research Areas', 'Artificial Intelligence'],
      ['paragraph', 'Artificial Intelligence', 'Research areas include: machine learning'],
      ['list', 'Department Research Areas', 'Concurrency and Distributed Computing'],
    ]);
  });

  it('takes a first line restating the page title as the page heading', () => {
    const text = 'Explore Theoretical Computer Science research areas at Duke Computer Science.\nAlgorithmic game theory\n(auction theory, social choice theory, fair resource allocation, preference elicitation, and crowdsourcing)\nComputational complexity';
    const { blocks } = segmentText(text, options('Theoretical Computer Science research areas (Duke Computer Science)'));
    expect(blocks.map((b) => [b.type, b.section, b.text.slice(0, 30)])).toEqual([
      ['header', 'Explore Theoretical Computer Science research areas at Duke Computer Science', 'Explore Theoretical Computer S'],
      ['list', 'Explore Theoretical Computer Science research areas at Duke Computer Science', 'Algorithmic game theory'],
      ['paragraph', 'Algorithmic game theory', '(auction theory, social choice'],
      ['list', 'Explore Theoretical Computer Science research areas at Duke Computer Science', 'Computational complexity'],
    ]);
  });

  it('keeps the enumeration that follows CFP furniture on the same line', () => {
    const { blocks, stats } = segmentText(ACL_2007, options('ACL 2007 (45th Annual Meeting) Call For Papers'));
    expect(stats.boilerplate_lines_removed).toBe(1);
    expect(texts(blocks)).toEqual([
      'pragmatics, semantics, syntax, grammars and the lexicon; phonetics, phonology and morphology; lexical semantics and ontologies; word segmentation, tagging and chunking; parsing; generation and summarization.',
    ]);
  });

  it('repairs editorial completions, drops editorial markers, and a numbered furniture line is a heading', () => {
    const { blocks, stats } = segmentText(CALTECH_CATALOG, options(null));
    expect(texts(blocks)).toEqual(['Aerospace', 'Biotechnology', 'Chemical Engineering', 'Chemistry', 'Environmental Science and Engineering']);
    expect(records(blocks)[0]!.section).toBe('Areas of Study and Research');
    expect(stats.editorial_lines_removed).toBe(1);
  });

  it('cuts a word the source truncated back to the last complete element', () => {
    const { blocks } = segmentText(JHU_CATALOG, options('Computer Science (Johns Hopkins e-catalog)'));
    expect(records(blocks)).toEqual([
      expect.objectContaining({
        type: 'paragraph',
        truncated: true,
        text: 'Computer science research laboratories are currently active in the following areas at Hopkins: algorithm design and analysis, human-computer interaction',
      }),
    ]);
  });

  it('joins a wrapped line back onto its item', () => {
    const { blocks } = segmentText(NORTHWESTERN_OVERVIEW, options('Department Overview (Northwestern Computer Science, 2003-2004)'));
    expect(texts(blocks)).toEqual([
      'models of intelligence, both human and machine, to support autonomous computational agents (robots and softbots) and intelligent adaptive interfaces;',
      'algorithms and data structures to support large-scale computation and visualization.',
    ]);
    expect(records(blocks)[0]!.section).toBe('Our graduate students and research faculty are inventing and implementing new');
  });

  it('segments the reference fixture without its quirks: header-only blocks and boilerplate lines are no records', () => {
    const { blocks, stats } = segmentText(F0, options(null));
    expect(blocks.map((b) => b.type)).toEqual(['header', 'header', 'list', 'list', 'header', 'paragraph']);
    expect(records(blocks).map((b) => [b.text, b.section])).toEqual([
      ['Apply online', 'Overview'],
      ['Submit transcripts', 'Overview'],
      ['Applicants must provide transcripts and test scores.', 'Requirements'],
    ]);
    expect(stats.boilerplate_lines_removed).toBe(2);
  });

  it.each([
    // Z-11: letters-only lines are department names, not headers.
    ['Computer Science\nElectrical and Computer Engineering\nMechanical Engineering', ['list', 'list', 'list'], ['Computer Science', 'Electrical and Computer Engineering', 'Mechanical Engineering']],
    // Z-14: numbered and lettered lines are list items.
    ['Our departments:\n1) Chemistry and Biochemistry\n2) Physics and Astronomy\na. Applied Mathematics', ['header', 'list', 'list', 'list'], ['Chemistry and Biochemistry', 'Physics and Astronomy', 'Applied Mathematics']],
    // Z-15: a footer line goes, the sentence stays.
    ['Welcome to the College of Engineering, home of great research.\nAll Rights Reserved 2024', ['paragraph'], ['Welcome to the College of Engineering, home of great research.']],
    // Z-03: table rows, one record each.
    ['Name | Department | Phone\nAlice | Engineering | 1234', ['table', 'table'], ['Name | Department | Phone', 'Alice | Engineering | 1234']],
    // Z-02: aligned spaces in prose are not a table.
    ['Our mission  is to  serve the community.\nWe provide  guidance  daily to students and faculty alike.', ['paragraph', 'paragraph'], ['Our mission is to serve the community.', 'We provide guidance daily to students and faculty alike.']],
  ])('%j', (text, types, expected) => {
    const { blocks } = segmentText(text, options(null));
    expect(blocks.map((b) => b.type)).toEqual(types);
    expect(texts(blocks)).toEqual(expected);
  });

  it('keeps list items together in one block when segment_on_lists is off', () => {
    const { blocks } = segmentText('Departments\n- Computer Science\n- Electrical & Computer Engineering', options(null, { ...s0.segmentation, segment_on_lists: false }));
    expect(texts(blocks)).toEqual(['Computer Science\nElectrical & Computer Engineering']);
  });

  it('emits no sections when detect_sections is off', () => {
    const { blocks } = segmentText(DUKE_CSE, options(null, { ...s0.segmentation, detect_sections: false }));
    expect(new Set(records(blocks).map((b) => b.section))).toEqual(new Set([null]));
  });
});

describe('trimCutText', () => {
  it.each([
    ['Data Processing, which includes query optimizati...', 'Data Processing'],
    ['Optimization (convex and non-convex optimization, matrix/tenso...', 'Optimization (convex and non-convex optimization)'],
    ['Distributed inter...', null],
    ['Algorithms – A core area and long-standing strength of the department …', 'Algorithms – A core area and long-standing strength of the department'],
    ['Reinforcement learning', 'Reinforcement learning'],
  ])('%s → %s', (text, expected) => {
    expect(trimCutText(text)).toBe(expected);
  });
});

describe('labelTokens', () => {
  const REPO = findWorkspaceRoot(import.meta.dirname);
  const lines = readFileSync(join(REPO, 'corpus/pages/pages.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .flatMap((l) => (JSON.parse(l) as { text: string }).text.split('\n'));

  it('gives the tokens of normalizeLabel on every line of the sample pages', () => {
    expect(lines.length).toBeGreaterThan(500);
    for (const line of lines) expect(labelTokens(line)).toEqual(tokenize(normalizeLabel(line)));
  });

  it.each([
    ['Research & Development (R+D) — 2025', ['research', '&', 'development', 'r+d', '2025']],
    ['  and   more… ', ['and', 'more']],
    ['Café-Économie', ['cafe', 'economie']],
    ['\u001cAI\tML', ['ai', 'ml']],
    ['', []],
  ])('%j', (text, expected) => {
    expect(labelTokens(text)).toEqual(expected);
    expect(labelTokens(text)).toEqual(tokenize(normalizeLabel(text)));
  });
});
