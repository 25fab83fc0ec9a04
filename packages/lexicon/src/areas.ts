import { tokenize } from '@taxonomy/core';
import { normalize } from './normalize.ts';

/**
 * Research areas of computing (the bulk of level-2/3 pages) and the words their topics use. CIP says
 * nothing below the program level, so anchoring "machine translation" under "natural language
 * processing" needs this piece of common knowledge. Keys and aliases are normalized area names.
 */
const AREAS: ReadonlyArray<{ names: readonly string[]; words: readonly string[] }> = [
  {
    names: ['machine learning', 'statistical learning', 'learning'],
    words: ['learning', 'inference', 'bayesian', 'neural', 'deep', 'reinforcement', 'generative', 'representation', 'bandits', 'classification', 'clustering', 'regression', 'probabilistic', 'causal', 'gaussian', 'variational', 'supervised', 'unsupervised', 'kernel methods', 'graphical models', 'sparse coding', 'boosting', 'ensemble'],
  },
  {
    names: ['natural language processing', 'nlp', 'computational linguistics', 'language technologies'],
    words: ['language', 'languages', 'linguistic', 'linguistics', 'translation', 'parsing', 'syntax', 'morphology', 'phonology', 'dialogue', 'discourse', 'summarization', 'sentiment', 'text', 'speech', 'question answering', 'multilinguality', 'lexical', 'tagging', 'chunking', 'word', 'pragmatics', 'psycholinguistics', 'nlp', 'information extraction'],
  },
  {
    names: ['computer vision', 'vision'],
    words: ['vision', 'image', 'images', 'video', 'visual', 'recognition', 'segmentation', 'detection', 'scene', 'shape', 'tracking', 'stereo'],
  },
  {
    names: ['databases', 'database systems', 'data management', 'database'],
    words: ['database', 'databases', 'query', 'queries', 'transactions', 'transaction', 'indexing', 'data management', 'warehousing', 'olap', 'sql', 'provenance', 'schema', 'data cleaning', 'data integration', 'concurrency control', 'nosql'],
  },
  {
    names: ['systems', 'computer systems', 'operating systems', 'distributed systems', 'software systems'],
    words: ['operating', 'distributed', 'storage', 'file systems', 'os', 'virtualization', 'cloud', 'scheduling', 'fault tolerance', 'microkernel', 'multiprocessor', 'parallel', 'embedded', 'scalability', 'availability', 'kernel internals'],
  },
  { names: ['networking', 'networks', 'computer networks'], words: ['network', 'networks', 'networking', 'protocol', 'protocols', 'wireless', 'internet', 'routing', 'mobile'] },
  {
    names: ['security', 'security and privacy', 'computer security', 'privacy', 'cryptography'],
    words: ['security', 'privacy', 'cryptography', 'cryptographic', 'attacks', 'malware', 'authentication', 'access control', 'encryption'],
  },
  {
    names: ['theory', 'theory of computation', 'theoretical computer science', 'algorithms', 'theory of computing'],
    words: ['algorithm', 'algorithms', 'complexity', 'combinatorics', 'combinatorial', 'graph theory', 'approximation', 'randomness', 'computability', 'quantum computing', 'game theory', 'data structures', 'boolean functions', 'coding theory', 'computational geometry', 'mechanism design'],
  },
  { names: ['computer graphics', 'graphics', 'visualization'], words: ['graphics', 'rendering', 'animation', 'geometry', 'visualization', 'geometric modeling'] },
  {
    names: ['human computer interaction', 'hci', 'human computer interfaces'],
    words: ['interaction', 'interfaces', 'interface', 'user', 'usability', 'hci', 'accessibility', 'crowdsourcing'],
  },
  { names: ['robotics'], words: ['robot', 'robots', 'robotics', 'motion planning', 'manipulation', 'embodied', 'locomotion', 'control'] },
  {
    names: ['computer architecture', 'architecture', 'architectures', 'hardware'],
    words: ['architecture', 'architectures', 'vlsi', 'hardware', 'microarchitecture', 'processor', 'processors', 'memory', 'accelerators', 'circuits'],
  },
  {
    names: ['programming languages', 'programming languages and compilers', 'compilers'],
    words: ['programming', 'compilers', 'compiler', 'type systems', 'program analysis', 'verification', 'formal semantics', 'functional', 'logic programming'],
  },
  { names: ['software engineering'], words: ['software', 'testing', 'debugging', 'maintenance', 'refactoring', 'requirements'] },
  {
    names: ['computational biology', 'bioinformatics'],
    words: ['biology', 'genomics', 'protein', 'proteins', 'bioinformatics', 'genome', 'sequence analysis', 'molecular'],
  },
  {
    names: ['artificial intelligence', 'ai'],
    words: ['planning', 'reasoning', 'knowledge representation', 'agents', 'agent', 'search', 'logic', 'constraint', 'expert systems', 'knowledge'],
  },
];

const byName = new Map<string, (typeof AREAS)[number]>();
for (const area of AREAS) for (const name of area.names) byName.set(name, area);

/** True when the label names one of the research areas `areaAffinity` knows words of. */
export function namesResearchArea(label: string): boolean {
  return byName.has(normalize(label));
}

/** The words typical of the research area a candidate names, or null when it names none. */
export function areaWordsOf(candidate: string): readonly string[] | null {
  return byName.get(normalize(candidate))?.words ?? null;
}

/** A label as `areaAffinity` searches it: its normalized tokens between spaces. */
export function affinityText(label: string): string {
  return ` ${tokenize(normalize(label)).join(' ')} `;
}

/** Words of the label that are typical of the research area the candidate names, or [] when unrelated. */
export function areaAffinity(label: string, candidate: string): string[] {
  const words = areaWordsOf(candidate);
  if (words === null) return [];
  const text = affinityText(label);
  return words.filter((w) => text.includes(` ${w} `));
}
