import type { Translator } from '../i18n/i18n.js';
import type { ContentError, ErrorParams } from './yaml-file.js';

/** The top folders of a content folder (see FOLDERS in load-content.ts), for naming a file inside it. */
const TOP_FOLDERS = new Set(['library', 'modules', 'glossary', 'countries', 'safety', 'questionnaires']);

/**
 * A file as its path inside the content folder (`library/tb/tb-myths.en.yaml`), whatever folder it was loaded
 * from (a staging copy, a temporary folder, `content/`): the first top folder that leaves at most three parts,
 * so a temporary folder that happens to be called `library` is not taken for it.
 */
export function contentPath(file: string): string {
  const parts = file.split(/[\\/]/);
  for (let i = 0; i < parts.length - 1; i++) {
    if (TOP_FOLDERS.has(parts[i] ?? '') && parts.length - i <= 3) return parts.slice(i).join('/');
  }
  if (parts.length > 1 && parts.at(-2) === 'content') return parts.at(-1) ?? file;
  return file;
}

/** Values that name a word of the locale (a type, an urgency, a part of a questionnaire) rather than content. */
const VOCABULARY: Record<string, string> = {
  expected: 'types',
  received: 'types',
  said: 'urgency',
  got: 'urgency',
  part: 'parts',
};

function translatedParams(t: Translator, params: ErrorParams): ErrorParams {
  const out: ErrorParams = {};
  for (const [name, value] of Object.entries(params)) {
    const group = VOCABULARY[name];
    if (group) out[name] = t(`contentErrors:${group}.${value}`, { defaultValue: String(value) });
    else out[name] = name === 'otherFile' ? contentPath(String(value)) : value;
  }
  return out;
}

/** The text of a code with its values, or '' when the locale has no such code. */
function codeText(t: Translator, code: string | undefined, params: ErrorParams | undefined): string {
  if (!code) return '';
  return t(`contentErrors:${code}`, { ...translatedParams(t, params ?? {}), defaultValue: '' });
}

/**
 * One error in the trainer's language: "library/hiv/hiv-prep.en.yaml, line 12, sections[2].body: the text is too
 * long (at most 800 characters)". An error without a known code keeps its English detail in a translated sentence.
 */
export function describeContentError(t: Translator, e: ContentError): string {
  const place = [
    contentPath(e.file),
    ...(e.line ? [t('contentErrors:place.line', { line: e.line })] : []),
    ...(e.path ? [e.path] : []),
  ].join(', ');
  const text = codeText(t, e.code, e.params) || t('contentErrors:schema.invalid', { message: e.message });
  return `${place}: ${text}`;
}

/** Numbered lines, one per error, at most `max`, then "and N more". */
export function listContentErrors(t: Translator, errors: readonly ContentError[], max = 15): string {
  const lines = errors.slice(0, max).map((e, i) => `${i + 1}. ${describeContentError(t, e)}`);
  if (errors.length > max) lines.push(t('contentErrors:andMore', { n: errors.length - max }));
  return lines.join('\n');
}

/** Why an upload (UploadRefused) or a publishing step (VersionStoreError) was refused, in the sender's language. */
export function describeRefusal(
  t: Translator,
  refused: { code?: string; params?: ErrorParams; message: string },
): string {
  return (
    codeText(t, refused.code, refused.params) || t('contentErrors:refused', { message: refused.message })
  );
}
