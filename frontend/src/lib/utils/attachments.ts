import type { FileItem } from '@connecthub/backend/contract';

/** What POST /api/files accepts (the server checks the content; this only guides the picker). */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
export const MAX_ATTACHMENTS = 10;
export const FILE_ACCEPT = [
  '.pdf',
  '.png',
  '.jpg',
  '.jpeg',
  '.gif',
  '.webp',
  '.doc',
  '.docx',
  '.xls',
  '.xlsx',
  '.xml',
  'application/pdf',
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/msword',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.ms-excel',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/xml',
  'text/xml',
].join(',');

export type FileKind = 'pdf' | 'image' | 'sheet' | 'doc' | 'xml' | 'other';

export function fileKind(contentType: string, name = ''): FileKind {
  const type = contentType.toLowerCase();
  const ext = extension(name);
  if (type === 'application/pdf' || ext === 'pdf') return 'pdf';
  if (type.startsWith('image/')) return 'image';
  if (type.includes('spreadsheet') || type.includes('excel') || ext === 'xls' || ext === 'xlsx')
    return 'sheet';
  if (type.includes('word') || ext === 'doc' || ext === 'docx') return 'doc';
  if (type.endsWith('/xml') || ext === 'xml') return 'xml';
  return 'other';
}

/** "contrato.final.PDF" → "pdf" */
export function extension(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

/**
 * Messages need text (1–10,000 chars): a message that is only attachments carries their
 * names, and the bubble shows the cards alone when the text is exactly that.
 */
export function attachmentCaption(attachments: Pick<FileItem, 'name'>[]): string {
  return attachments.map((a) => a.name).join(', ');
}
