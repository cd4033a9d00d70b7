import { readFile } from 'node:fs/promises';
import { type Document, LineCounter, parseDocument } from 'yaml';

export interface ContentError {
  file: string;
  /** Where in the item, e.g. `sections[2].body`; empty for the file as a whole. */
  path: string;
  message: string;
  line?: number;
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
): (item: object, path: (string | number)[], message: string) => void {
  return (item, path, message) => {
    const origin = origins.get(item);
    errors.push({
      file: origin?.file ?? '?',
      path: formatPath(path),
      line: origin?.yaml.lineOf(path),
      message,
    });
  };
}

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
      errors.push({
        file: display,
        path: '',
        line: error.linePos?.[0]?.line,
        message: `YAML syntax: ${error.message.split('\n')[0]}`,
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
