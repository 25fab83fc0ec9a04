import { describe, expect, it } from 'vitest';
import { decodeBody, decodeWindows1252 } from './charset.ts';

// "Harvard DEAS – Computer Science" and "café" as a legacy Windows page would send them.
const CP1252 = Buffer.from([0x48, 0x61, 0x72, 0x76, 0x61, 0x72, 0x64, 0x20, 0x96, 0x20, 0x63, 0x61, 0x66, 0xe9, 0x85]);

describe('decodeBody', () => {
  it.each([
    ['the Content-Type charset', CP1252, 'text/html; charset=windows-1252', 'Harvard – café…', 'windows-1252', 'header'],
    ['iso-8859-1, which browsers read as windows-1252', CP1252, 'text/html; charset=ISO-8859-1', 'Harvard – café…', 'windows-1252', 'header'],
    [
      'a <meta charset> when the header has none',
      Buffer.concat([Buffer.from('<meta charset="windows-1252"><p>'), CP1252]),
      'text/html',
      '<meta charset="windows-1252"><p>Harvard – café…',
      'windows-1252',
      'meta',
    ],
    ['valid UTF-8 when nothing is declared', Buffer.from('<p>こんにちは — café</p>', 'utf8'), 'text/html', '<p>こんにちは — café</p>', 'utf-8', 'utf-8-valid'],
    ['windows-1252 when the bytes are not UTF-8', CP1252, null, 'Harvard – café…', 'windows-1252', 'fallback'],
    ['a UTF-8 byte-order mark over a wrong header', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('café', 'utf8')]), 'text/html; charset=iso-8859-1', 'café', 'utf-8', 'bom'],
    ['Shift_JIS', Buffer.from([0x82, 0xb1, 0x82, 0xf1, 0x82, 0xc9, 0x82, 0xbf, 0x82, 0xcd]), 'text/html; charset=Shift_JIS', 'こんにちは', 'shift_jis', 'header'],
    ['an unknown label (skipped)', Buffer.from('plain', 'utf8'), 'text/html; charset=x-klingon', 'plain', 'utf-8', 'utf-8-valid'],
  ])('follows %s', (_name, bytes, contentType, text, charset, source) => {
    expect(decodeBody(bytes, contentType)).toEqual({ text, charset, source });
  });

  it('maps the windows-1252 C1 range to its characters, not control codes', () => {
    expect(decodeWindows1252(Buffer.from([0x80, 0x93, 0x94, 0x96, 0x97, 0x99]))).toBe('€“”–—™');
  });
});
