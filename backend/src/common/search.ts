/**
 * What every search box means by a match, on the server: the client list, the client
 * pickers (they call the client list) and the inbox. A CNPJ typed with or without its
 * punctuation, whole or in part, numeric or alphanumeric, finds the client; names and
 * message words match without regard to case or accents.
 */

/** Lowercase, accents stripped: how names and message words are compared. */
export function searchKey(...parts: string[]): string {
  return parts
    .join(' ')
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();
}

/** A CNPJ as stored: uppercase, punctuation gone (both formats, any part of one). */
export function cnpjKey(text: string): string {
  return text.replace(/[^0-9A-Za-z]/g, '').toUpperCase();
}

export interface SearchTerm {
  /** The term as names and words are compared (searchKey). */
  text: string;
  /** The term as a CNPJ fragment (cnpjKey), when it looks like one; else null. */
  cnpj: string | null;
}

/** Only CNPJ characters and punctuation, with `.`, `/` or `-` between two of them: `11.222`, `0001-81`. */
const PUNCTUATED = /^[0-9A-Za-z./-]*[0-9A-Za-z][./-]+[0-9A-Za-z][0-9A-Za-z./-]*$/;
/** Letters and digits only, at least four, one a digit: `11222333`, `12ABC345`. */
const BARE = /^(?=.*\d)[0-9A-Za-z]{4,}$/;

/**
 * The terms of a search as typed (split on spaces). A term that looks like a piece of a
 * CNPJ is also compared against CNPJs; short digit runs (`11`) only as text, since they
 * would match almost every CNPJ.
 */
export function parseSearch(input: string): SearchTerm[] {
  return input
    .split(/\s+/)
    .map((raw) => ({
      // A trailing comma or full stop ("Ltda.") is not part of what is sought.
      text: searchKey(raw).replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''),
      cnpj: PUNCTUATED.test(raw) || BARE.test(raw) ? cnpjKey(raw) : null,
    }))
    .filter((t) => t.text !== '');
}

export interface Searchable {
  name: string;
  /** Stored form (cnpjKey); empty when unknown. */
  cnpj: string;
  /** Further text already in searchKey form (message words, the last message). */
  texts?: readonly string[];
}

/** Every term matches the CNPJ (as a fragment), the name or one of the texts. */
export function matchesSearch(terms: readonly SearchTerm[], target: Searchable): boolean {
  const name = searchKey(target.name);
  const cnpj = cnpjKey(target.cnpj);
  return terms.every(
    (t) =>
      (t.cnpj !== null && cnpj.includes(t.cnpj)) ||
      name.includes(t.text) ||
      (target.texts ?? []).some((w) => w.includes(t.text)),
  );
}
