import { EXTENSIONS } from './file-type.js';

/** Longest stored name, in characters, extension included. */
export const MAX_NAME_LENGTH = 200;

/**
 * The name an upload is stored and downloaded under. Staff save attachments
 * under this name, so it must not lie about the content: the extension follows
 * the type read from the bytes (`boleto.bat` holding a PDF becomes
 * `boleto.pdf`), and characters that disguise a name — controls, bidi overrides
 * that turn `fdp.exe` into `exe.pdf` on screen, zero-width marks — or move it
 * elsewhere (path separators) are dropped.
 */
export function safeFileName(raw: string, contentType: string): string {
  const allowed = EXTENSIONS[contentType] ?? [];
  const cleaned = raw
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, '')
    // Only the last path segment: what a browser sends for a file, without its folders.
    .replace(/^.*[/\\]/s, '')
    // Reserved on Windows, where most staff save files.
    .replace(/[<>:"|?*]/g, '_')
    .replace(/\s+/g, ' ')
    // Leading dots hide a file or climb a path; Windows drops trailing dots and spaces.
    .replace(/^[\s.]+|[\s.]+$/g, '');

  const ext = /\.([A-Za-z0-9]{1,10})$/.exec(cleaned)?.[1];
  let stem = cleaned;
  let suffix = allowed[0] ?? '';
  if (ext && allowed.includes(ext.toLowerCase())) {
    stem = cleaned.slice(0, -ext.length - 1);
    suffix = ext;
  } else if (ext && /[A-Za-z]/.test(ext)) {
    // Another type's extension is replaced; a dotted number ("NF 123.456") stays part of the name.
    stem = cleaned.slice(0, -ext.length - 1);
  }
  const room = MAX_NAME_LENGTH - (suffix ? suffix.length + 1 : 0);
  // Cut by code point, so a character outside the BMP is never split in half.
  stem =
    Array.from(stem)
      .slice(0, room)
      .join('')
      .replace(/[\s.]+$/, '') || 'arquivo';
  return suffix ? `${stem}.${suffix}` : stem;
}
