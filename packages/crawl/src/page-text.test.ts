import { describe, expect, it } from 'vitest';
import { parseHtmlStructure } from '@taxonomy/core';
import { renderPageText } from './page-text.ts';

const text = (html: string) => renderPageText(parseHtmlStructure(html).blocks);

describe('renderPageText', () => {
  it.each([
    ['list items as "- item" lines', '<ul><li>First item</li><li>Second item</li></ul>', '- First item\n- Second item'],
    ['numbered items as "1. item"', '<ol><li>Problem Solving</li><li>Knowledge representation and qualitative reasoning</li></ol>', '1. Problem Solving\n2. Knowledge representation and qualitative reasoning'],
    ['two spaces per nesting level', '<ul><li>Systems<ul><li>Operating systems</li></ul></li></ul>', '- Systems\n  - Operating systems'],
    ['the h1 as a markdown heading', '<h1>Call For Papers 2026</h1><p>We invite submissions.</p>', '# Call For Papers 2026\nWe invite submissions.'],
    [
      'a short sub-heading as its own line after a blank one, for S0 to read as it reads the bundled pages',
      '<p>Fields of Study</p><h3>Artificial Intelligence</h3><p>The UCLA Computer Science Department has active research in the following major subfields of artificial intelligence:</p>',
      'Fields of Study\n\nArtificial Intelligence\nThe UCLA Computer Science Department has active research in the following major subfields of artificial intelligence:',
    ],
    [
      'a sub-heading longer than 12 words as a heading only',
      '<h2>Theme Track: Open science, open data, and open models for reproducible NLP research</h2>',
      '## Theme Track: Open science, open data, and open models for reproducible NLP research',
    ],
    ['a blank line after a list', '<ul><li>Optimization</li></ul><p>Authors must follow the style guide.</p>', '- Optimization\n\nAuthors must follow the style guide.'],
    ['table cells separated by tabs, a th row as a heading', '<table><tr><th>Area</th><th>Faculty</th></tr><tr><td>Databases</td><td>5</td></tr></table>', '#### Area | Faculty\nDatabases\t5'],
    ['br-separated lines as lines', '<p>Topics of interest include:<br>OS structure and organization<br>Communications</p>', 'Topics of interest include:\nOS structure and organization\nCommunications'],
  ])('writes %s', (_name, html, expected) => {
    expect(text(html)).toBe(expected);
  });
});
