import { z } from 'zod';
import { fileItemSchema } from './chat.js';
import { idParamSchema } from './common.js';
import { endpoint } from './endpoint.js';

export const filesApi = {
  upload: endpoint({
    method: 'POST',
    path: '/files',
    summary: 'Upload a file: a chat attachment or a service form answer (multipart, streamed)',
    access: { kind: 'staffOrClient' },
    multipart: { fields: { file: 'the file (PDF, image, Word, Excel or XML)' } },
    response: fileItemSchema,
    status: 201,
    errors: ['VALIDATION_FAILED', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_FILE'],
  }),
  download: endpoint({
    method: 'GET',
    path: '/files/:id',
    summary: 'Download an attachment of one of the caller’s conversations',
    access: { kind: 'staffOrClient' },
    params: z.object({ id: idParamSchema }),
    resource: 'File',
    file: true,
    errors: ['NOT_FOUND'],
  }),
};
