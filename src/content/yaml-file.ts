import { readFile } from 'node:fs/promises';
import { type Document, LineCounter, parseDocument } from 'yaml';

/** Values that fill a translated error text (see src/content/error-text.ts). */
export type ErrorParams = Record<string, string | number>;

export interface ContentError {
  file: string;
  /** Where in the item, e.g. `sections[2].body`; empty for the file as a whole. */
  path: string;
  /** In English, for `content validate` and logs. */
  message: string;
  line?: number;
  /** The key of the same error in the trainer's language (`contentErrors:<code>`), and the values it names. */
  code?: string;
  params?: ErrorParams;
}

export const formatError = (e: ContentError): string =>
  `${e.file}: ${e.line ? `line ${e.line}: ` : ''}${e.path ? `${e.path}: ` : ''}${e.message}`;

export const formatPath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>(
    (out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)),
    '',
  );

/** Collects errors about an item, naming its file and the line of the path, into `errors`. */
export function errorReporter(
  origins: Map<object, { file: string; yaml: ParsedYaml }>,
  errors: ContentError[],
): ReportAt {
  return (item, path, message, code, params) => {
    const origin = origins.get(item);
    errors.push({
      file: origin?.file ?? '?',
      path: formatPath(path),
      line: origin?.yaml.lineOf(path),
      message,
      code,
      ...(params ? { params } : {}),
    });
  };
}

/** Reports an error about an item: the English message, and the code and values of its translation. */
export type ReportAt = (
  item: object,
  path: (string | number)[],
  message: string,
  code: string,
  params?: ErrorParams,
) => void;

/** YAML syntax problems a trainer meets often get their own text; the rest keep the parser's English detail. */
const YAML_CODES: Partial<Record<string, string>> = {
  BAD_INDENT: 'yaml.badIndent',
  TAB_AS_INDENT: 'yaml.tabIndent',
  DUPLICATE_KEY: 'yaml.duplicateKey',
  MISSING_CHAR: 'yaml.missingChar',
  MULTILINE_IMPLICIT_KEY: 'yaml.multilineKey',
  BLOCK_AS_IMPLICIT_KEY: 'yaml.multilineKey',
  BAD_DQ_ESCAPE: 'yaml.badEscape',
};

export interface ParsedYaml {
  data: unknown;
  /** The line of a value inside the document, for error messages. */
  lineOf(path: readonly PropertyKey[]): number | undefined;
}

/** Parses a YAML file, reporting syntax errors with their line; returns null data when the file is unusable. */
export async function readYaml(
  file: string,
  display: string,
  errors: ContentError[],
  source?: string,
): Promise<ParsedYaml | null> {
  const text = source ?? (await readFile(file, 'utf8'));
  const lineCounter = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      const detail = error.message.split('\n')[0] ?? '';
      errors.push({
        file: display,
        path: '',
        line: error.linePos?.[0]?.line,
        message: `YAML syntax: ${detail}`,
        code: YAML_CODES[error.code] ?? 'yaml.syntax',
        params: { detail },
      });
    }
    return null;
  }
  return {
    data: doc.toJS(),
    lineOf(path) {
      for (let n = path.length; n > 0; n--) {
        const node = doc.getIn(path.slice(0, n) as unknown[], true) as
          | { range?: [number, number, number] }
          | undefined;
        if (node?.range) return lineCounter.linePos(node.range[0]).line;
      }
      return undefined;
    },
  };
}
