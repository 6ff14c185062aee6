/** One data row of an imported client list. */
export interface CsvRow {
  line: number;
  cnpj: string;
  name: string;
}

function splitLine(line: string, delimiter: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells.map((c) => c.trim());
}

/**
 * Parses `cnpj;name` lines (also `,` or tab, as spreadsheets export them),
 * with or without a header, skipping blank lines. Line numbers are 1-based as
 * the user sees them in the file. Stops after `maxRows + 1` rows, so a caller
 * can refuse an oversized file without it ever being split whole.
 */
export function parseClientCsv(text: string, maxRows = Infinity): CsvRow[] {
  const body = text.replace(/^\uFEFF/, '');
  const lineBreak = /\r\n|\n|\r/g;
  const rows: CsvRow[] = [];
  let delimiter: string | undefined;
  let start = 0;
  for (let index = 0; start <= body.length && rows.length <= maxRows; index++) {
    const match = lineBreak.exec(body);
    const raw = body.slice(start, match ? match.index : body.length);
    start = match ? match.index + match[0].length : body.length + 1;
    if (raw.trim() === '') continue;
    delimiter ??= [';', '\t', ','].find((d) => raw.includes(d)) ?? ';';
    const [a = '', b = ''] = splitLine(raw, delimiter);
    // A header names its columns; a data row starts with a digit or an alphanumeric CNPJ.
    if (rows.length === 0 && /cnpj|raz[aã]o|nome|name/i.test(raw) && !/\d{2}/.test(a)) continue;
    rows.push({ line: index + 1, cnpj: a, name: b });
  }
  return rows;
}
