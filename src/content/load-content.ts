import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { z } from 'zod';
import { checkQuestionnaires } from '../screening/check-questionnaires.js';
import {
  type Questionnaire,
  type QuestionnaireText,
  questionnaireSchema,
  questionnaireTextSchema,
} from '../screening/schema.js';
import { type Country, countrySchema } from '../teams/countries.js';
import type { ContentSet, Origin } from './content-set.js';
import { crossCheck } from './cross-check.js';
import { issueCode } from './schema-issues.js';
import {
  type Article,
  articleSchema,
  type DangerSigns,
  dangerSignsSchema,
  type Glossary,
  glossarySchema,
  type Module,
  moduleSchema,
  type UrgentPhrases,
  urgentPhrasesSchema,
} from './schemas.js';
import { type ContentError, type ErrorParams, formatPath, readYaml } from './yaml-file.js';

export type { ContentSet, Origin } from './content-set.js';

export interface LoadResult {
  content: ContentSet;
  errors: ContentError[];
  files: number;
}

/** Each folder holds one kind; the file name repeats the item's id and language so files are easy to find. */
const FOLDERS = {
  library: { schema: articleSchema, name: /^library\/([a-z-]+)\/([a-z0-9-]+)\.([a-z]{2})\.ya?ml$/ },
  modules: { schema: moduleSchema, name: /^modules\/([a-z0-9-]+)\.([a-z]{2})\.ya?ml$/ },
  glossary: { schema: glossarySchema, name: /^glossary\/([a-z-]+)\.ya?ml$/ },
  countries: { schema: countrySchema, name: /^countries\/([a-z]{2})\.ya?ml$/ },
  safety: { schema: urgentPhrasesSchema, name: /^safety\/(urgent-phrases|danger-signs)\.ya?ml$/ },
  // <id>.yaml holds the logic and the English; <id>.<lang>.yaml a translation's text only; earlier versions stay
  // loadable as archive/<id>.v<n>.yaml and archive/<id>.v<n>.<lang>.yaml.
  questionnaires: {
    schema: questionnaireSchema,
    name: /^questionnaires\/(?:archive\/([a-z0-9-]+)\.v([0-9]+)|([a-z0-9-]+))(?:\.([a-z]{2}))?\.ya?ml$/,
  },
} as const;
type Folder = keyof typeof FOLDERS;

async function yamlFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/**
 * Reads and checks everything under a content folder, collecting EVERY error (like cht-conf's validation) rather
 * than stopping at the first. Items with errors are left out of the returned content.
 */
export async function loadContent(dir: string, overrides?: Map<string, string>): Promise<LoadResult> {
  const errors: ContentError[] = [];
  const content: ContentSet = {
    articles: [],
    modules: [],
    glossaries: [],
    countries: [],
    urgentPhrases: [],
    dangerSigns: [],
    questionnaires: [],
    questionnaireTexts: [],
    archivedQuestionnaires: [],
    archivedQuestionnaireTexts: [],
  };
  const origins = new Map<object, Origin>();
  const files = await yamlFiles(dir).catch(() => {
    errors.push({ file: dir, path: '', message: 'content folder not found', code: 'load.noFolder' });
    return [] as string[];
  });
  for (const path of files) {
    const rel = relative(dir, path).split(sep).join('/');
    const display = join(relative(process.cwd(), dir) || '.', rel);
    const folder = rel.split('/')[0] as Folder;
    const kind = FOLDERS[folder];
    if (!kind) {
      errors.push({
        file: display,
        path: '',
        message: `unknown content folder (expected ${Object.keys(FOLDERS).join(', ')})`,
        code: 'load.unknownFolder',
        params: { folders: Object.keys(FOLDERS).join(', ') },
      });
      continue;
    }
    const yaml = await readYaml(path, display, errors, overrides?.get(rel));
    if (!yaml) continue;
    const isText = folder === 'questionnaires' && /\.[a-z]{2}\.ya?ml$/.test(rel);
    const isArchived = rel.startsWith('questionnaires/archive/');
    const isDanger = rel.startsWith('safety/danger-signs.');
    const schema = isText ? questionnaireTextSchema : isDanger ? dangerSignsSchema : kind.schema;
    // reportInput: the issue keeps the value it is about, to tell a missing field from one of the wrong type.
    const parsed = (schema as z.ZodType).safeParse(yaml.data, { reportInput: true });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        errors.push({
          file: display,
          path: formatPath(issue.path),
          // An unknown key has no value in the schema: its own line, not the line of the object holding it.
          line: yaml.lineOf(
            issue.code === 'unrecognized_keys' ? [...issue.path, ...issue.keys.slice(0, 1)] : issue.path,
          ),
          message: issue.message,
          ...issueCode(issue),
        });
      }
      continue;
    }
    const item = parsed.data as Record<string, unknown>;
    const nameProblem = checkFileName(folder, rel, item);
    if (nameProblem) errors.push({ file: display, path: '', ...nameProblem });
    origins.set(item, { file: display, yaml });
    if (folder === 'library') content.articles.push(item as Article);
    else if (folder === 'modules') content.modules.push(item as Module);
    else if (folder === 'glossary') content.glossaries.push(item as Glossary);
    else if (folder === 'countries') content.countries.push(item as Country);
    else if (isText && isArchived) content.archivedQuestionnaireTexts.push(item as QuestionnaireText);
    else if (isText) content.questionnaireTexts.push(item as QuestionnaireText);
    else if (isArchived) content.archivedQuestionnaires.push(item as Questionnaire);
    else if (folder === 'questionnaires') content.questionnaires.push(item as Questionnaire);
    else if (isDanger) content.dangerSigns.push(item as DangerSigns);
    else content.urgentPhrases.push(item as UrgentPhrases);
  }
  errors.push(...crossCheck(content, origins));
  errors.push(...checkQuestionnaires(content, origins));
  return { content, errors, files: files.length };
}

/** How each folder's files are named, for a trainer who cannot read the regular expression. */
const NAME_SHAPES: Record<Folder, string> = {
  library: 'library/<topic>/<id>.<lang>.yaml',
  modules: 'modules/<id>.<lang>.yaml',
  glossary: 'glossary/<topic>.yaml',
  countries: 'countries/<code>.yaml',
  safety: 'safety/urgent-phrases.yaml, safety/danger-signs.yaml',
  questionnaires: 'questionnaires/<id>.yaml, questionnaires/<id>.<lang>.yaml',
};

type NameProblem = { message: string; code: string; params: ErrorParams };

const mustBe = (name: string): NameProblem => ({
  message: `file name must be ${name}`,
  code: 'load.nameMustBe',
  params: { name },
});

function checkFileName(folder: Folder, rel: string, item: Record<string, unknown>): NameProblem | null {
  const match = FOLDERS[folder].name.exec(rel);
  if (!match)
    return {
      message: `file name does not follow ${FOLDERS[folder].name.source}`,
      code: 'load.nameShape',
      params: { shape: NAME_SHAPES[folder] },
    };
  switch (folder) {
    case 'library':
      if (match[1] !== item.topic)
        return {
          message: `is in the folder of topic "${match[1]}" but its topic is "${item.topic}"`,
          code: 'load.topicFolder',
          params: { folder: String(match[1]), topic: String(item.topic) },
        };
      if (match[2] !== item.id || match[3] !== item.lang) return mustBe(`${item.id}.${item.lang}.yaml`);
      return null;
    case 'modules':
      if (match[1] !== item.id || match[2] !== item.lang) return mustBe(`${item.id}.${item.lang}.yaml`);
      return null;
    case 'glossary':
      return match[1] === item.topic ? null : mustBe(`${item.topic}.yaml`);
    case 'countries':
      return match[1] === String(item.code).toLowerCase()
        ? null
        : mustBe(`${String(item.code).toLowerCase()}.yaml`);
    case 'questionnaires': {
      // The id and language, and in the archive the version, as the file name says.
      const lang = match[4] ? `.${String(item.lang)}` : '';
      const langOk = !match[4] || match[4] === item.lang;
      if (match[1] !== undefined) {
        return match[1] === item.id && Number(match[2]) === item.version && langOk
          ? null
          : mustBe(`archive/${item.id}.v${item.version}${lang}.yaml`);
      }
      return match[3] === item.id && langOk ? null : mustBe(`${item.id}${lang}.yaml`);
    }
    default:
      return null;
  }
}
