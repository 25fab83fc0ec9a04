import { describe, expect, it } from 'vitest';
import { isTaxonomyError } from '@taxonomy/core';
import { didYouMean, parseCommandArgs, parseLevel, type OptionSpecs } from './usage.ts';

const OPTIONS: OptionSpecs = {
  override: { type: 'string', short: 'o', multiple: true, description: 'override' },
  level: { type: 'string', description: 'level' },
  output: { type: 'string', description: 'output' },
  json: { type: 'boolean', description: 'json' },
};

describe('parseCommandArgs', () => {
  it.each([
    { argv: ['-o', 's2.a=1', '-o', 's1.b=2'], values: { override: ['s2.a=1', 's1.b=2'] }, positionals: [] },
    { argv: ['-o=s2.a=1'], values: { override: ['s2.a=1'] }, positionals: [] },
    { argv: ['-os2.a=1'], values: { override: ['s2.a=1'] }, positionals: [] },
    { argv: ['--override=s2.a=1', '--level', '2'], values: { override: ['s2.a=1'], level: '2' }, positionals: [] },
    { argv: ['--output', 'dir', '--json', 'x', 'y'], values: { output: 'dir', json: true }, positionals: ['x', 'y'] },
    { argv: ['--level=3', '--', '--json'], values: { level: '3' }, positionals: ['--json'] },
  ])('$argv', ({ argv, values, positionals }) => {
    const parsed = parseCommandArgs('cmd', argv, OPTIONS);
    expect(parsed.values).toEqual(values);
    expect(parsed.positionals).toEqual(positionals);
  });

  it.each([
    { argv: ['--levle', '2'], message: /unknown option --levle \(did you mean "--level"\?\)/u },
    { argv: ['--jsno'], message: /unknown option --jsno \(did you mean "--json"\?\)/u },
    { argv: ['--frobnicate'], message: /unknown option --frobnicate; see taxonomy cmd --help/u },
    { argv: ['--level'], message: /option --level needs a value/u },
  ])('rejects $argv as a usage error', ({ argv, message }) => {
    let caught: unknown;
    try {
      parseCommandArgs('cmd', argv, OPTIONS);
    } catch (err) {
      caught = err;
    }
    expect(isTaxonomyError(caught) && caught.code).toBe('USAGE');
    expect((caught as Error).message).toMatch(message);
  });
});

describe('parseLevel', () => {
  it.each([
    ['0', 0],
    ['3', 3],
    [' 2 ', 2],
  ])('%j → %i', (raw, level) => expect(parseLevel('x', raw)).toBe(level));
  it.each(['4', '-1', 'two', '1.5', ''])('%j is a usage error', (raw) => expect(() => parseLevel('x', raw)).toThrow(/--level must be 0, 1, 2 or 3/u));
  it('names a missing level', () => expect(() => parseLevel('x', undefined)).toThrow(/--level is required/u));
});

describe('didYouMean', () => {
  it.each([
    ['rnu', ['run', 'generate'], ' (did you mean "run"?)'],
    ['generat', ['run', 'generate'], ' (did you mean "generate"?)'],
    ['zzzzzzzz', ['run', 'generate'], ''],
  ])('%s', (name, valid, expected) => expect(didYouMean(name, valid)).toBe(expected));
});
