import { describe, expect, it } from 'vitest';
import { MAX_NAME_LENGTH, safeFileName } from './file-name.js';

const PDF = 'application/pdf';

describe('safeFileName', () => {
  it('gives the name the extension of the type read from the bytes', () => {
    expect(safeFileName('boleto.bat', PDF)).toBe('boleto.pdf');
    expect(safeFileName('setup.exe', PDF)).toBe('setup.pdf');
    expect(safeFileName('guia.hta', PDF)).toBe('guia.pdf');
    expect(safeFileName('DAS.pdf.exe', PDF)).toBe('DAS.pdf.pdf');
    expect(
      safeFileName('macro.docm', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'),
    ).toBe('macro.docx');
    expect(safeFileName('sem extensão', 'image/png')).toBe('sem extensão.png');
    // A dotted number is part of the name, not an extension.
    expect(safeFileName('NF 123.456', PDF)).toBe('NF 123.456.pdf');
  });

  it('keeps a name whose extension already fits', () => {
    expect(safeFileName('DAS outubro.pdf', PDF)).toBe('DAS outubro.pdf');
    expect(safeFileName('Foto.JPEG', 'image/jpeg')).toBe('Foto.JPEG');
    expect(safeFileName('foto.jpg', 'image/jpeg')).toBe('foto.jpg');
    expect(safeFileName('nota.xml', 'application/xml')).toBe('nota.xml');
  });

  it('drops control and bidi characters that disguise a name', () => {
    // "fatura‮fdp.exe" shows as "faturaexe.pdf".
    expect(safeFileName('fatura\u202Efdp.exe', PDF)).toBe('faturafdp.pdf');
    expect(safeFileName('a\u0000b\u001Fc\u007Fd\u0085e\u200Ef\u200Fg\u2066h\u2069i\u202Aj.pdf', PDF)).toBe(
      'abcdefghij.pdf',
    );
    expect(safeFileName('linha\r\nnova.pdf', PDF)).toBe('linhanova.pdf');
    expect(safeFileName('\uFEFFzero\u200Bwidth.pdf', PDF)).toBe('zerowidth.pdf');
  });

  it('removes folders and characters Windows refuses, and hidden-file dots', () => {
    expect(safeFileName('../../etc/passwd', PDF)).toBe('passwd.pdf');
    expect(safeFileName('C:\\Users\\ana\\guia.pdf', PDF)).toBe('guia.pdf');
    expect(safeFileName('..hidden.pdf', PDF)).toBe('hidden.pdf');
    expect(safeFileName('a<b>c:d"e|f?g*.pdf', PDF)).toBe('a_b_c_d_e_f_g_.pdf');
    expect(safeFileName('guia.pdf. . ', PDF)).toBe('guia.pdf');
  });

  it('caps the length, keeping the extension and whole characters', () => {
    const long = safeFileName(`${'é'.repeat(500)}.pdf`, PDF);
    expect(Array.from(long)).toHaveLength(MAX_NAME_LENGTH);
    expect(long.endsWith('é.pdf')).toBe(true);
    const emoji = safeFileName('😀'.repeat(300), PDF);
    expect(Array.from(emoji)).toHaveLength(MAX_NAME_LENGTH);
    expect(emoji).not.toContain('\uFFFD');
    expect(emoji.endsWith('😀.pdf')).toBe(true);
  });

  it('names a file that has no usable name', () => {
    expect(safeFileName('', PDF)).toBe('arquivo.pdf');
    expect(safeFileName('\u202E\u0000', PDF)).toBe('arquivo.pdf');
    expect(safeFileName('...', PDF)).toBe('arquivo.pdf');
  });
});
