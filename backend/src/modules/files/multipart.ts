import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { ErrorCode } from '../../contract/index.js';
import { AppError } from '../../common/errors.js';

/**
 * What may surround the file in a body: one part's headers (busboy refuses more
 * than 16 KiB of them) and the boundary lines. A Content-Length above the file
 * limit plus this can't carry an acceptable file, so it is refused unread.
 */
const MULTIPART_OVERHEAD_BYTES = 32 * 1024;

export interface IncomingFile {
  /** As the client sent it (decoded as UTF-8, folders already dropped); not yet made safe. */
  name: string;
  data: Readable;
}

/** The request as Express hands it over: its response tells when the answer has gone out. */
export type UploadRequest = IncomingMessage & { res?: ServerResponse };

export interface SingleFileOptions {
  field: string;
  maxBytes: number;
  tooLarge: () => AppError;
}

const invalid = (message: string) => new AppError(400, ErrorCode.ValidationFailed, message);

/**
 * Reads a multipart body that holds exactly one part, the file in `field` (receiveFiles with
 * one file and no fields): a field, a second part or a second file is refused.
 */
export async function receiveSingleFile<T>(
  req: UploadRequest,
  opts: SingleFileOptions,
  store: (file: IncomingFile) => Promise<T>,
  undo: (stored: T) => Promise<void>,
): Promise<T> {
  const { files } = await receiveFiles(req, { ...opts, maxFiles: 1 }, store, undo);
  return files[0];
}

export interface ManyFilesOptions extends SingleFileOptions {
  maxFiles: number;
  /** Text fields accepted besides the files (others are refused), each at most 1,000 bytes. */
  fields?: readonly string[];
}

/**
 * Reads a multipart body of files (all in `field`) and a few text fields, as it arrives:
 * `store` gets each file's bytes as a stream in turn (the next is not read before it is
 * done) and writes them somewhere, `undo` removes what `store` wrote when the rest of the
 * body turns out wrong. Every limit applies while reading: a file's byte `maxBytes + 1` ends
 * the upload with `tooLarge()`; a file past `maxFiles`, an unknown field or a file under
 * another name is refused. On any failure the rest of the body is read and dropped (never
 * held), every stored file is undone, and the promise rejects only once that is done.
 */
export async function receiveFiles<T>(
  req: UploadRequest,
  opts: ManyFilesOptions,
  store: (file: IncomingFile) => Promise<T>,
  undo: (stored: T) => Promise<void>,
): Promise<{ files: T[]; fields: Record<string, string> }> {
  const allowed = new Set(opts.fields ?? []);
  const what = opts.maxFiles === 1 ? 'the file' : 'the files';
  const missing = () => invalid(`Send ${what} in the multipart field "${opts.field}"`);
  // busboy would also parse urlencoded bodies; only a multipart form can carry a file.
  if (!/^multipart\/form-data\s*;/i.test(req.headers['content-type'] ?? '')) throw missing();
  const perFile = opts.maxBytes + MULTIPART_OVERHEAD_BYTES;
  if (Number(req.headers['content-length']) > opts.maxFiles * perFile + allowed.size * 2048) {
    throw opts.tooLarge();
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      // Browsers send file names as raw UTF-8 bytes.
      defParamCharset: 'utf8',
      // A part past the limits gets its headers parsed, so it can be refused (never stored);
      // busboy reports 'limit' when a file reaches fileSize: byte maxBytes + 1 is the first refused.
      limits: {
        fileSize: opts.maxBytes + 1,
        files: opts.maxFiles,
        fields: allowed.size,
        fieldSize: 1000,
        parts: opts.maxFiles + allowed.size + 1,
      },
    });
  } catch (err) {
    throw invalid(`Invalid multipart body: ${(err as Error).message}`);
  }

  const stored: Promise<T>[] = [];
  const fields: Record<string, string> = {};
  let current: Readable | undefined;
  let chain: Promise<unknown> = Promise.resolve();
  let failure: Error | undefined;
  let rejectFailed: (err: Error) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => (rejectFailed = reject));
  failed.catch(() => undefined);
  const fail = (err: Error) => {
    if (failure) return;
    failure = err;
    req.unpipe(parser);
    req.pause();
    if (req.res && !req.res.writableFinished) req.res.once('finish', () => req.resume());
    else req.resume();
    current?.destroy(err);
    rejectFailed(err);
  };
  const parsed = new Promise<void>((resolve) => parser.once('close', resolve));

  parser.on('file', (name, stream, info) => {
    if (name !== opts.field || failure) {
      stream.resume();
      fail(missing());
      return;
    }
    current = stream;
    stream.once('limit', () => fail(opts.tooLarge()));
    const storing = store({ name: info.filename ?? '', data: stream });
    stored.push(storing);
    storing.catch(fail);
    chain = storing.catch(() => undefined);
  });
  parser.on('field', (name, value, info) => {
    if (!allowed.has(name)) return fail(invalid(`Unexpected field "${name}"`));
    if (info.valueTruncated) return fail(invalid(`Field "${name}" is too long`));
    fields[name] = value;
  });
  const tooMany = () =>
    fail(
      invalid(
        opts.maxFiles === 1
          ? `Send only the file, in the multipart field "${opts.field}"`
          : `At most ${opts.maxFiles} files per request`,
      ),
    );
  parser.once('filesLimit', tooMany);
  parser.once('fieldsLimit', () => (allowed.size ? fail(invalid('Too many fields')) : tooMany()));
  parser.once('partsLimit', tooMany);
  parser.once('error', (err: Error) => fail(invalid(`Invalid multipart body: ${err.message}`)));
  req.once('error', () => fail(invalid('The upload was interrupted')));
  req.once('close', () => {
    if (!req.complete) fail(invalid('The upload was interrupted'));
  });
  req.pipe(parser);

  const undoAll = async () => {
    for (const s of stored) await s.then(undo, () => undefined);
  };
  try {
    await Promise.race([parsed, failed]);
    await Promise.race([chain, failed]);
    const files = await Promise.race([Promise.all(stored), failed]);
    if (!files.length) throw missing();
    return { files, fields };
  } catch (err) {
    await undoAll();
    throw err;
  }
}
