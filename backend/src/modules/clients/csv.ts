import { type ClientCsvRow, readClientCsv } from '../../contract/index.js';

/** One data row of an imported client list. */
export type CsvRow = ClientCsvRow;

/** The rows of a client list (see readClientCsv, which also names the ignored columns). */
export function parseClientCsv(text: string, maxRows = Infinity): CsvRow[] {
  return readClientCsv(text, maxRows).rows;
}
