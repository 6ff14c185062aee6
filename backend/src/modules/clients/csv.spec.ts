import { describe, expect, it } from 'vitest';
import { parseClientCsv } from './csv.js';

describe('parseClientCsv', () => {
  it('reads semicolon files with a header, BOM and CRLF, keeping file line numbers', () => {
    const rows = parseClientCsv(
      '\uFEFFCNPJ;Razão Social\r\n11.222.333/0001-81;Padaria A\r\n\r\n12.ABC.345/01DE-35;Tech B\r\n',
    );
    expect(rows).toEqual([
      { line: 2, cnpj: '11.222.333/0001-81', name: 'Padaria A' },
      { line: 4, cnpj: '12.ABC.345/01DE-35', name: 'Tech B' },
    ]);
  });

  it('reads comma files without a header and quoted names with delimiters inside', () => {
    const rows = parseClientCsv('11222333000181,"Silva, Souza & Cia ""Ltda"""\n');
    expect(rows).toEqual([{ line: 1, cnpj: '11222333000181', name: 'Silva, Souza & Cia "Ltda"' }]);
  });

  it('keeps rows with missing names so the report can name them', () => {
    expect(parseClientCsv('11222333000181\n')).toEqual([{ line: 1, cnpj: '11222333000181', name: '' }]);
  });

  it('stops one row past the limit, so an oversized file is refused without reading it all', () => {
    const text = Array.from({ length: 1000 }, (_, i) => `11222333000181;Empresa ${i}`).join('\n');
    const rows = parseClientCsv(text, 3);
    expect(rows).toHaveLength(4);
    expect(rows[3]).toEqual({ line: 4, cnpj: '11222333000181', name: 'Empresa 3' });
    expect(parseClientCsv(text)).toHaveLength(1000);
  });
});
