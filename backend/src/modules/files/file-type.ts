/** How much of an upload is held back to judge its type before anything is stored. */
export const SNIFF_BYTES = 64 * 1024;

/**
 * The content type of an upload, judged from its bytes (the name only picks
 * between formats that share a container). Null when the kind isn't accepted.
 * `data` may be only the first SNIFF_BYTES: zip writers put `[Content_Types].xml`
 * and the application's folder among the first entries.
 */
export function sniffContentType(data: Buffer, name: string): string | null {
  const ext = name.toLowerCase().split('.').pop() ?? '';
  const starts = (sig: number[], offset = 0) => sig.every((b, i) => data[offset + i] === b);
  const ascii = (s: string, offset = 0) => data.subarray(offset, offset + s.length).toString('latin1') === s;

  if (ascii('%PDF-')) return 'application/pdf';
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (ascii('GIF87a') || ascii('GIF89a')) return 'image/gif';
  if (ascii('RIFF') && ascii('WEBP', 8)) return 'image/webp';
  if (starts([0x50, 0x4b, 0x03, 0x04])) {
    // OOXML is a zip whose entry names say which application it belongs to.
    const names = data.toString('latin1');
    if (!names.includes('[Content_Types].xml')) return null;
    if (names.includes('word/'))
      return 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
    if (names.includes('xl/')) return 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    if (names.includes('ppt/'))
      return 'application/vnd.openxmlformats-officedocument.presentationml.presentation';
    return null;
  }
  if (starts([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
    if (ext === 'xls') return 'application/vnd.ms-excel';
    if (ext === 'ppt') return 'application/vnd.ms-powerpoint';
    return 'application/msword';
  }
  // XML (NF-e, SPED…): a root element, no NUL bytes, and nothing a browser would run.
  if (data.includes(0)) return null;
  return isPlainXml(data.toString('utf8')) ? 'application/xml' : null;
}

/** Roots of documents that browsers (or mshta) render and run scripts in, rather than show as data. */
const ACTIVE_ROOTS = new Set(['svg', 'html', 'head', 'body', 'script']);

function isPlainXml(text: string): boolean {
  // Past the BOM, the declaration, comments and processing instructions sits the root element.
  const rest = text.replace(/^\uFEFF/, '').replace(/^(?:\s|<\?[\s\S]*?\?>|<!--[\s\S]*?-->)*/, '');
  // A DOCTYPE is how HTML and SVG announce themselves, and its entities can blow up later parsers.
  if (/^<!DOCTYPE/i.test(rest)) return false;
  const root = /^<([A-Za-z_][\w:.-]*)[\s>/]/.exec(rest)?.[1];
  if (!root) return false;
  const name = root.toLowerCase();
  if (name === 'hta:application' || ACTIVE_ROOTS.has(name.split(':').pop() ?? '')) return false;
  return !/<script[\s>/]|http:\/\/www\.w3\.org\/(?:1999\/xhtml|2000\/svg)/i.test(text);
}

/** The extensions each accepted type may keep; the first is the one given to names that fit none. */
export const EXTENSIONS: Record<string, string[]> = {
  'application/pdf': ['pdf'],
  'image/png': ['png'],
  'image/jpeg': ['jpg', 'jpeg'],
  'image/gif': ['gif'],
  'image/webp': ['webp'],
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': ['docx'],
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': ['xlsx'],
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': ['pptx'],
  'application/msword': ['doc'],
  'application/vnd.ms-excel': ['xls'],
  'application/vnd.ms-powerpoint': ['ppt'],
  'application/xml': ['xml'],
};
