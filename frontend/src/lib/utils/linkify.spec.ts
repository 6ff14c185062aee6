import { describe, expect, it } from 'vitest';
import { linkify } from './linkify';

describe('linkify', () => {
  it('keeps text without links as one text segment', () => {
    expect(linkify('Bom dia, tudo certo?')).toEqual([{ kind: 'text', text: 'Bom dia, tudo certo?' }]);
    expect(linkify('')).toEqual([]);
  });

  it('splits http and https links out of the text', () => {
    expect(linkify('Veja https://www.gov.br/receita e http://exemplo.com.br/a?b=1#c agora')).toEqual([
      { kind: 'text', text: 'Veja ' },
      { kind: 'link', text: 'https://www.gov.br/receita', href: 'https://www.gov.br/receita' },
      { kind: 'text', text: ' e ' },
      { kind: 'link', text: 'http://exemplo.com.br/a?b=1#c', href: 'http://exemplo.com.br/a?b=1#c' },
      { kind: 'text', text: ' agora' },
    ]);
  });

  it('leaves sentence punctuation and unmatched brackets outside the link', () => {
    expect(linkify('Acesse https://exemplo.com.br.')).toEqual([
      { kind: 'text', text: 'Acesse ' },
      { kind: 'link', text: 'https://exemplo.com.br', href: 'https://exemplo.com.br/' },
      { kind: 'text', text: '.' },
    ]);
    expect(linkify('(ver https://exemplo.com/guia)')).toEqual([
      { kind: 'text', text: '(ver ' },
      { kind: 'link', text: 'https://exemplo.com/guia', href: 'https://exemplo.com/guia' },
      { kind: 'text', text: ')' },
    ]);
    expect(linkify('https://pt.wikipedia.org/wiki/Imposto_(Brasil)')[0]).toEqual({
      kind: 'link',
      text: 'https://pt.wikipedia.org/wiki/Imposto_(Brasil)',
      href: 'https://pt.wikipedia.org/wiki/Imposto_(Brasil)',
    });
  });

  it('never links other schemes and keeps markup as plain text', () => {
    const text = 'javascript:alert(1) <a href="x">oi</a> data:text/html,<b>x</b> ftp://x.com';
    expect(linkify(text)).toEqual([{ kind: 'text', text }]);
  });

  it('does not treat a quote or angle bracket as part of the address', () => {
    expect(linkify('<https://exemplo.com/"onmouseover="x>')).toEqual([
      { kind: 'text', text: '<' },
      { kind: 'link', text: 'https://exemplo.com/', href: 'https://exemplo.com/' },
      { kind: 'text', text: '"onmouseover="x>' },
    ]);
  });

  it('keeps the segments joined equal to the original text', () => {
    const text = 'a https://x.com/1, b http://y.com/2) c\nhttps://z.com';
    expect(
      linkify(text)
        .map((s) => s.text)
        .join(''),
    ).toBe(text);
  });
});
