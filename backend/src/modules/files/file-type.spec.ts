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
});
