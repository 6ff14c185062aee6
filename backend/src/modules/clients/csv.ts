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
 * the user sees them in the file.
 */
export function parseClientCsv(text: string): CsvRow[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const first = lines.find((l) => l.trim() !== '') ?? '';
  const delimiter = [';', '\t', ','].find((d) => first.includes(d)) ?? ';';
  const rows: CsvRow[] = [];
  lines.forEach((raw, index) => {
    if (raw.trim() === '') return;
    const [a = '', b = ''] = splitLine(raw, delimiter);
    // A header names its columns; a data row starts with a digit or an alphanumeric CNPJ.
    if (rows.length === 0 && /cnpj|raz[aã]o|nome|name/i.test(raw) && !/\d{2}/.test(a)) return;
    rows.push({ line: index + 1, cnpj: a, name: b });
  });
  return rows;
}
