/**
 * Splits message text into plain-text and link segments, so the UI renders both as nodes
 * (text nodes and <a> elements) and never as HTML. Only http(s) addresses become links.
 */
export type TextSegment = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

// A scheme, then anything up to whitespace or a character that can't be part of a bare URL in prose.
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+/gi;
// Sentence punctuation right after a URL belongs to the sentence, not to the address.
const TRAILING = /[.,;:!?'"]+$/;
const PAIRS: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

function count(s: string, ch: string): number {
  let n = 0;
  for (const c of s) if (c === ch) n++;
  return n;
}

/** Drops trailing punctuation and closing brackets that have no opening partner inside the URL. */
function trimUrl(raw: string): string {
  let url = raw;
  for (;;) {
    const before = url;
    url = url.replace(TRAILING, '');
    const last = url.at(-1);
    if (last && last in PAIRS && count(url, last) > count(url, PAIRS[last])) url = url.slice(0, -1);
    if (url === before) return url;
  }
}

function safeHref(candidate: string): string | null {
  try {
    const u = new URL(candidate);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    if (!u.hostname) return null;
    return u.href;
  } catch {
    return null;
  }
}

export function linkify(text: string): TextSegment[] {
  const out: TextSegment[] = [];
  let plain = '';
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const start = match.index;
    const url = trimUrl(match[0]);
    const href = safeHref(url);
    if (!href) continue;
    plain += text.slice(last, start);
    if (plain) out.push({ kind: 'text', text: plain });
    plain = '';
    out.push({ kind: 'link', text: url, href });
    last = start + url.length;
  }
  plain += text.slice(last);
  if (plain) out.push({ kind: 'text', text: plain });
  return out;
}
