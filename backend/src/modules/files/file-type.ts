/**
 * The content type of an upload, judged from its bytes (the name only picks
 * between formats that share a container). Null when the kind isn't accepted.
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
  const head = data
    .subarray(0, 512)
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart();
  // XML (NF-e, SPED…): a declaration, or a root element, and no NUL bytes.
  if ((head.startsWith('<?xml') || /^<[A-Za-z_][\w:.-]*[\s>/]/.test(head)) && !data.includes(0)) {
    return 'application/xml';
  }
  return null;
}
