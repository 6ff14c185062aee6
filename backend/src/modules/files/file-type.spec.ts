import { describe, expect, it } from 'vitest';
import { sniffContentType } from './file-type.js';

describe('sniffContentType', () => {
  it('recognizes accepted kinds from their bytes, not their names', () => {
    expect(sniffContentType(Buffer.from('%PDF-1.7\n...'), 'guia.txt')).toBe('application/pdf');
    expect(sniffContentType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]), 'x.pdf')).toBe(
      'image/png',
    );
    expect(sniffContentType(Buffer.from([0xff, 0xd8, 0xff, 0xe0]), 'foto')).toBe('image/jpeg');
    expect(sniffContentType(Buffer.from('<?xml version="1.0"?><nfeProc/>'), 'nota.xml')).toBe(
      'application/xml',
    );
    expect(
      sniffContentType(Buffer.from('PK\u0003\u0004....[Content_Types].xml...word/document.xml'), 'a.docx'),
    ).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(
      sniffContentType(Buffer.from('PK\u0003\u0004....[Content_Types].xml...xl/workbook.xml'), 'a.xlsx'),
    ).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  });

  it('refuses executables, scripts and renamed files', () => {
    expect(sniffContentType(Buffer.from('MZ\x90\x00'), 'guia.pdf')).toBeNull();
    expect(sniffContentType(Buffer.from('#!/bin/sh\nrm -rf /'), 'nota.xml')).toBeNull();
    expect(sniffContentType(Buffer.from('PK\u0003\u0004 plain zip'), 'a.docx')).toBeNull();
    expect(sniffContentType(Buffer.from('hello'), 'a.pdf')).toBeNull();
  });

  it('refuses documents that browsers run scripts in, whatever they are called', () => {
    const svg =
      '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>';
    expect(sniffContentType(Buffer.from(svg), 'logo.svg')).toBeNull();
    expect(sniffContentType(Buffer.from('<svg><rect/></svg>'), 'a.xml')).toBeNull();
    expect(sniffContentType(Buffer.from('<!-- x --><html><body>oi</body></html>'), 'nota.xml')).toBeNull();
    expect(sniffContentType(Buffer.from('<!DOCTYPE html><p>oi</p>'), 'nota.xml')).toBeNull();
    expect(sniffContentType(Buffer.from('<HTA:APPLICATION ID="x"/>'), 'guia.hta')).toBeNull();
    expect(sniffContentType(Buffer.from('<body onload="x()"></body>'), 'guia.hta')).toBeNull();
    expect(
      sniffContentType(Buffer.from('<nfe><x:script xmlns:x="http://www.w3.org/1999/xhtml"/></nfe>'), 'a.xml'),
    ).toBeNull();
    expect(sniffContentType(Buffer.from('<nfe><script>alert(1)</script></nfe>'), 'a.xml')).toBeNull();
    expect(
      sniffContentType(Buffer.from('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>'), 'a.xml'),
    ).toBeNull();
  });

  it('still accepts fiscal XML with a declaration, comments and a BOM before the root', () => {
    const nfe =
      '\uFEFF<?xml version="1.0" encoding="UTF-8"?>\n<!-- gerado pelo emissor -->\n' +
      '<nfeProc xmlns="http://www.portalfiscal.inf.br/nfe" versao="4.00"><NFe/></nfeProc>';
    expect(sniffContentType(Buffer.from(nfe), 'nota.xml')).toBe('application/xml');
  });
});
