import { LANGUAGES } from '../accounts/types.js';
import type { ContentSet, Origin } from './content-set.js';
import type { Article, Module } from './schemas.js';
import { type ContentError, errorReporter } from './yaml-file.js';

/** Checks across items and files: unique ids, answer keys, links that exist, translations shaped like their source. */
export function crossCheck(content: ContentSet, origins: Map<object, Origin>): ContentError[] {
  const errors: ContentError[] = [];
  const at = errorReporter(origins, errors);

  const seen = new Map<string, object>();
  for (const item of [...content.articles, ...content.modules]) {
    const key = `${item.id}/${item.lang}`;
    const first = seen.get(key);
    if (first)
      at(
        item,
        ['id'],
        `duplicate id "${item.id}" in ${item.lang} (also in ${origins.get(first)?.file ?? '?'})`,
      );
    else seen.set(key, item);
  }
  const articleIds = new Set(content.articles.map((a) => a.id));
  const moduleIds = new Set(content.modules.map((m) => m.id));
  for (const id of articleIds) {
    const clash = content.modules.find((m) => m.id === id);
    if (clash) at(clash, ['id'], `"${id}" is the id of an article too; ids are unique across kinds`);
  }

  for (const module of content.modules) {
    module.quiz.forEach((q, i) => {
      if (q.answer < 1 || q.answer > q.options.length) {
        at(
          module,
          ['quiz', i, 'answer'],
          `answer ${q.answer} is out of range (options 1 to ${q.options.length})`,
        );
      }
    });
    checkUnique(
      module.steps.map((s) => s.id),
      (i, id) => at(module, ['steps', i, 'id'], `duplicate step id "${id}"`),
    );
    checkUnique(
      module.quiz.map((q) => q.id),
      (i, id) => at(module, ['quiz', i, 'id'], `duplicate question id "${id}"`),
    );
  }
  for (const article of content.articles) {
    checkUnique(
      article.sections.map((s) => s.id),
      (i, id) => at(article, ['sections', i, 'id'], `duplicate section id "${id}"`),
    );
    if (article.module && !moduleIds.has(article.module)) {
      at(article, ['module'], `links to the module "${article.module}", which does not exist`);
    }
    article.related.forEach((id, i) => {
      if (!articleIds.has(id) && !moduleIds.has(id))
        at(article, ['related', i], `links to "${id}", which does not exist`);
    });
  }

  for (const article of content.articles.filter((a) => a.lang !== 'en')) {
    const source = content.articles.find((a) => a.id === article.id && a.lang === 'en');
    if (!source) {
      at(article, ['id'], `is a ${article.lang} translation of "${article.id}", which has no English source`);
      continue;
    }
    compareArticle(source, article, at);
  }
  for (const module of content.modules.filter((m) => m.lang !== 'en')) {
    const source = content.modules.find((m) => m.id === module.id && m.lang === 'en');
    if (!source) {
      at(module, ['id'], `is a ${module.lang} translation of "${module.id}", which has no English source`);
      continue;
    }
    compareModule(source, module, at);
  }

  const termIds = new Map<string, string>();
  for (const glossary of content.glossaries) {
    glossary.terms.forEach((term, i) => {
      const other = termIds.get(term.id);
      if (other)
        at(glossary, ['terms', i, 'id'], `duplicate term id "${term.id}" (also in the ${other} glossary)`);
      termIds.set(term.id, glossary.topic);
      for (const lang of LANGUAGES) {
        if (!term[lang]) at(glossary, ['terms', i], `has no ${lang} word`);
      }
    });
  }
  const topics = content.glossaries.map((g) => g.topic);
  checkUnique(topics, (i, topic) =>
    at(content.glossaries[i] as object, ['topic'], `a second glossary for ${topic}`),
  );
  return errors;
}

type At = (item: object, path: (string | number)[], message: string) => void;

function checkUnique(values: string[], report: (index: number, value: string) => void): void {
  const seen = new Set<string>();
  values.forEach((value, i) => {
    if (seen.has(value)) report(i, value);
    seen.add(value);
  });
}

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

function compareArticle(source: Article, translation: Article, at: At): void {
  if (translation.topic !== source.topic)
    at(translation, ['topic'], `is "${translation.topic}" but the English is "${source.topic}"`);
  const want = source.sections.map((s) => s.id);
  const got = translation.sections.map((s) => s.id);
  if (!sameList(want, got)) {
    at(
      translation,
      ['sections'],
      `sections differ from the English source: expected [${want.join(', ')}], found [${got.join(', ')}]`,
    );
  }
}

function compareModule(source: Module, translation: Module, at: At): void {
  if (translation.topic !== source.topic)
    at(translation, ['topic'], `is "${translation.topic}" but the English is "${source.topic}"`);
  const wantSteps = source.steps.map((s) => s.id);
  const gotSteps = translation.steps.map((s) => s.id);
  if (!sameList(wantSteps, gotSteps)) {
    at(
      translation,
      ['steps'],
      `steps differ from the English source: expected [${wantSteps.join(', ')}], found [${gotSteps.join(', ')}]`,
    );
  }
  const wantQuiz = source.quiz.map((q) => q.id);
  const gotQuiz = translation.quiz.map((q) => q.id);
  if (!sameList(wantQuiz, gotQuiz)) {
    at(
      translation,
      ['quiz'],
      `quiz differs from the English source: expected [${wantQuiz.join(', ')}], found [${gotQuiz.join(', ')}]`,
    );
    return;
  }
  translation.quiz.forEach((q, i) => {
    const s = source.quiz[i];
    if (!s) return;
    if (q.options.length !== s.options.length) {
      at(
        translation,
        ['quiz', i, 'options'],
        `has ${q.options.length} options; the English has ${s.options.length}`,
      );
    }
    if (q.answer !== s.answer)
      at(translation, ['quiz', i, 'answer'], `is ${q.answer}; the English answer is ${s.answer}`);
  });
  if (translation.passMark !== source.passMark)
    at(translation, ['passMark'], `differs from the English (${source.passMark})`);
}
