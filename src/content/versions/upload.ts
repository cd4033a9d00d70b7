import { posix } from 'node:path';
// fflate: pure JavaScript, no dependencies, no install script (nothing fetched or built at install), MIT, widely used
// and kept up; its streaming Unzip hands out inflated bytes as they come, so the unpacked size is counted while reading.
import { Unzip, UnzipInflate, UnzipPassThrough } from 'fflate';
import { parseDocument } from 'yaml';
import { CONTENT_FILE, UPLOAD_LIMITS } from './limits.js';

/** One file of an upload, checked to be UTF-8 text of an allowed kind and size. */
export interface UploadFile {
  /** Its path inside the content folder when the upload says it (a zip entry), else its bare file name. */
  name: string;
  text: string;
}

/**
 * An upload refused before validation (too big, not text, a hostile zip...): the message says why in English (the
 * command line, logs); `code` picks the sender's text (contentErrors:<code>) and `params` fill it.
 */
export class UploadRefused extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly params: Record<string, string | number> = {},
  ) {
    super(message);
    this.name = 'UploadRefused';
  }
}

const megabytes = (bytes: number): number => Math.round(bytes / 1024 / 1024);
const mb = (bytes: number): string => `${megabytes(bytes)} MB`;

/**
 * Reads an upload (one content file, or a `.zip` of several) into checked text files, refusing hostile input
 * before anything is parsed as content: sizes past the limits, unsafe zip paths, zip bombs (the unpacked size is
 * counted while unpacking), binaries, text that is not UTF-8, YAML aliases that expand without bound.
 */
export function readUpload(name: string, bytes: Uint8Array): UploadFile[] {
  const base = posix.basename(name.replaceAll('\\', '/'));
  if (/\.zip$/i.test(base)) {
    if (bytes.length > UPLOAD_LIMITS.zipBytes)
      throw new UploadRefused(`${base} is larger than ${mb(UPLOAD_LIMITS.zipBytes)}.`, 'upload.tooBig', {
        name: base,
        mb: megabytes(UPLOAD_LIMITS.zipBytes),
      });
    return stripContentFolder(unzip(base, bytes)).map((f) => ({
      name: f.name,
      text: checkedText(f.name, f.bytes),
    }));
  }
  if (!CONTENT_FILE.test(base))
    throw new UploadRefused(
      `${base} is not a content file: send a .yaml, .yml or .md file, or a .zip of them.`,
      'upload.notContentFile',
      { name: base },
    );
  if (bytes.length > UPLOAD_LIMITS.fileBytes)
    throw new UploadRefused(`${base} is larger than ${mb(UPLOAD_LIMITS.fileBytes)}.`, 'upload.tooBig', {
      name: base,
      mb: megabytes(UPLOAD_LIMITS.fileBytes),
    });
  return [{ name: base, text: checkedText(base, bytes) }];
}

/** UTF-8 text without control characters; YAML that parses without unbounded aliases. */
function checkedText(name: string, bytes: Uint8Array): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UploadRefused(
      `${name} is not UTF-8 text (save it as UTF-8 and send it again).`,
      'upload.notUtf8',
      { name },
    );
  }
  // A binary renamed .yaml: NUL and other control characters never appear in content text.
  if (hasControlCharacters(text))
    throw new UploadRefused(`${name} is not a text file (it holds binary data).`, 'upload.binary', { name });
  if (/\.ya?ml$/i.test(name)) {
    const doc = parseDocument(text);
    // Syntax errors are reported by validation with their line; here only the expansion is checked.
    if (doc.errors.length === 0) {
      try {
        doc.toJS({ maxAliasCount: UPLOAD_LIMITS.yamlAliases });
      } catch {
        throw new UploadRefused(
          `${name} uses YAML anchors and aliases that expand too far.`,
          'upload.yamlAliases',
          { name },
        );
      }
    }
  }
  return text;
}

/** Control characters other than tab, line feed and carriage return. */
function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f) return true;
  }
  return false;
}

/** A safe relative path inside the content folder, or a refusal. */
function safeEntryPath(zip: string, entry: string): string {
  const path = entry.replaceAll('\\', '/');
  if (path.startsWith('/') || /^[a-z]:/i.test(path) || path.split('/').some((part) => part === '..'))
    throw new UploadRefused(
      `${zip} has an entry with an unsafe path (${JSON.stringify(entry)}); nothing was read.`,
      'upload.unsafePath',
      { zip, entry },
    );
  return posix.normalize(path).replace(/^(\.\/)+/, '');
}

interface Entry {
  name: string;
  bytes: Uint8Array;
  done: boolean;
}

/**
 * Unpacks a zip in small pushes with fflate's streaming Unzip, counting what comes out as it comes, so a zip bomb is
 * stopped after at most one push's worth of inflation (the sizes a zip declares are not trusted).
 */
function unzip(zip: string, bytes: Uint8Array): Entry[] {
  const entries: Entry[] = [];
  let total = 0;
  let refusal: UploadRefused | null = null;
  const unzipper = new Unzip((file) => {
    if (refusal) return;
    if (file.name.endsWith('/')) return; // a folder
    try {
      if (entries.length >= UPLOAD_LIMITS.zipEntries)
        throw new UploadRefused(
          `${zip} has more than ${UPLOAD_LIMITS.zipEntries} files.`,
          'upload.tooManyFiles',
          {
            zip,
            max: UPLOAD_LIMITS.zipEntries,
          },
        );
      const name = safeEntryPath(zip, file.name);
      if (!CONTENT_FILE.test(name))
        throw new UploadRefused(
          `${zip} holds ${name}, which is not a .yaml, .yml or .md file.`,
          'upload.zipHoldsOther',
          { zip, name },
        );
      if (file.compression !== 0 && file.compression !== 8)
        throw new UploadRefused(
          `${zip}: ${name} uses a compression method this bot does not read.`,
          'upload.compression',
          { zip, name },
        );
      const chunks: Uint8Array[] = [];
      let size = 0;
      const entry: Entry = { name, bytes: new Uint8Array(), done: false };
      entries.push(entry);
      file.ondata = (error, data, final) => {
        if (refusal) return;
        if (error) {
          refusal = new UploadRefused(
            `${zip}: ${name} is damaged (${error.message}).`,
            'upload.damagedEntry',
            {
              zip,
              name,
            },
          );
          return;
        }
        size += data.length;
        total += data.length;
        if (size > UPLOAD_LIMITS.fileBytes) {
          refusal = new UploadRefused(
            `${zip}: ${name} unpacks to more than ${mb(UPLOAD_LIMITS.fileBytes)}.`,
            'upload.entryUnpacksTooBig',
            { zip, name, mb: megabytes(UPLOAD_LIMITS.fileBytes) },
          );
        } else if (total > UPLOAD_LIMITS.zipUnpackedBytes) {
          refusal = new UploadRefused(
            `${zip} unpacks to more than ${mb(UPLOAD_LIMITS.zipUnpackedBytes)}.`,
            'upload.unpacksTooBig',
            { zip, mb: megabytes(UPLOAD_LIMITS.zipUnpackedBytes) },
          );
        }
        if (refusal) {
          file.terminate();
          return;
        }
        chunks.push(data);
        if (final) {
          entry.bytes = Buffer.concat(chunks);
          entry.done = true;
        }
      };
      file.start();
    } catch (error) {
      refusal =
        error instanceof UploadRefused
          ? error
          : new UploadRefused(`${zip} could not be read.`, 'upload.unreadableZip', { zip });
    }
  });
  unzipper.register(UnzipInflate);
  unzipper.register(UnzipPassThrough);
  const CHUNK = 16 * 1024;
  try {
    for (let at = 0; at < bytes.length && !refusal; at += CHUNK) {
      unzipper.push(bytes.subarray(at, at + CHUNK), at + CHUNK >= bytes.length);
    }
  } catch (error) {
    if (!refusal)
      refusal = new UploadRefused(
        `${zip} is not a readable zip file (${(error as Error).message}).`,
        'upload.unreadableZip',
        { zip },
      );
  }
  if (refusal) throw refusal;
  if (entries.length === 0)
    throw new UploadRefused(`${zip} holds no content files.`, 'upload.emptyZip', { zip });
  const cut = entries.find((e) => !e.done);
  if (cut)
    throw new UploadRefused(`${zip} is damaged: ${cut.name} is cut short.`, 'upload.cutShort', {
      zip,
      name: cut.name,
    });
  const seen = new Set<string>();
  for (const entry of entries) {
    if (seen.has(entry.name))
      throw new UploadRefused(`${zip} holds ${entry.name} twice.`, 'upload.duplicateEntry', {
        zip,
        name: entry.name,
      });
    seen.add(entry.name);
  }
  return entries;
}

/** A zip of the whole folder usually starts with `content/`: paths are taken inside it. */
function stripContentFolder(entries: Entry[]): Entry[] {
  if (entries.every((e) => e.name.startsWith('content/')))
    return entries.map((e) => ({ ...e, name: e.name.slice('content/'.length) }));
  return entries;
}
