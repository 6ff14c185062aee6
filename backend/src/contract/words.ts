/** pt-BR words shared by the server's texts (e-mails, chat notes) and the UI. */

const pluralRules = new Intl.PluralRules('pt-BR');
const intFmt = new Intl.NumberFormat('pt-BR');

/**
 * The word a count takes in pt-BR ("mensagem" / "mensagens"), by the language's own rules
 * (`Intl.PluralRules`). CLDR files 0 under "one" ("0 arquivo"), but a count of zero reads as
 * plural in Brazilian usage ("0 arquivos"), so zero takes the plural. Every place a count
 * meets a word goes through this or {@link plural}.
 */
export function pluralWord(n: number, one: string, many: string): string {
  return n !== 0 && pluralRules.select(n) === 'one' ? one : many;
}

/** A count with its word: "1 não lida", "3 não lidas", "1.204 clientes". */
export function plural(n: number, one: string, many: string): string {
  return `${intFmt.format(n)} ${pluralWord(n, one, many)}`;
}
