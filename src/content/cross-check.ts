import { LANGUAGES } from '../accounts/types.js';
import { CompiledQuestionnaire } from '../screening/questionnaire-engine.js';
import type { Question, Questionnaire, Urgency } from '../screening/schema.js';
import type { ContentSet, Origin } from './content-set.js';
import type { Article, Module, SignNote } from './schemas.js';
import { type ContentError, errorReporter, type ReportAt } from './yaml-file.js';

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
        'check.duplicateId',
        { id: item.id, lang: item.lang, otherFile: origins.get(first)?.file ?? '?' },
      );
    else seen.set(key, item);
  }
  const articleIds = new Set(content.articles.map((a) => a.id));
  const moduleIds = new Set(content.modules.map((m) => m.id));
  for (const id of articleIds) {
    const clash = content.modules.find((m) => m.id === id);
    if (clash)
      at(
        clash,
        ['id'],
        `"${id}" is the id of an article too; ids are unique across kinds`,
        'check.idOfArticle',
        {
          id,
        },
      );
  }

  for (const module of content.modules) {
    module.quiz.forEach((q, i) => {
      if (q.answer < 1 || q.answer > q.options.length) {
        at(
          module,
          ['quiz', i, 'answer'],
          `answer ${q.answer} is out of range (options 1 to ${q.options.length})`,
          'check.answerRange',
          { answer: q.answer, options: q.options.length },
        );
      }
    });
    checkUnique(
      module.steps.map((s) => s.id),
      (i, id) => at(module, ['steps', i, 'id'], `duplicate step id "${id}"`, 'check.duplicateStep', { id }),
    );
    checkUnique(
      module.quiz.map((q) => q.id),
      (i, id) =>
        at(module, ['quiz', i, 'id'], `duplicate question id "${id}"`, 'check.duplicateQuizQuestion', { id }),
    );
  }
  for (const article of content.articles) {
    checkUnique(
      article.sections.map((s) => s.id),
      (i, id) =>
        at(article, ['sections', i, 'id'], `duplicate section id "${id}"`, 'check.duplicateSection', { id }),
    );
    if (article.module && !moduleIds.has(article.module)) {
      at(
        article,
        ['module'],
        `links to the module "${article.module}", which does not exist`,
        'check.missingModule',
        { id: article.module },
      );
    }
    article.related.forEach((id, i) => {
      if (!articleIds.has(id) && !moduleIds.has(id))
        at(article, ['related', i], `links to "${id}", which does not exist`, 'check.missingLink', { id });
    });
  }

  for (const article of content.articles.filter((a) => a.lang !== 'en')) {
    const source = content.articles.find((a) => a.id === article.id && a.lang === 'en');
    if (!source) {
      at(
        article,
        ['id'],
        `is a ${article.lang} translation of "${article.id}", which has no English source`,
        'check.noEnglishSource',
        { lang: article.lang, id: article.id },
      );
      continue;
    }
    compareArticle(source, article, at);
  }
  for (const module of content.modules.filter((m) => m.lang !== 'en')) {
    const source = content.modules.find((m) => m.id === module.id && m.lang === 'en');
    if (!source) {
      at(
        module,
        ['id'],
        `is a ${module.lang} translation of "${module.id}", which has no English source`,
        'check.noEnglishSource',
        { lang: module.lang, id: module.id },
      );
      continue;
    }
    compareModule(source, module, at);
  }

  const termIds = new Map<string, string>();
  for (const glossary of content.glossaries) {
    glossary.terms.forEach((term, i) => {
      const other = termIds.get(term.id);
      if (other)
        at(
          glossary,
          ['terms', i, 'id'],
          `duplicate term id "${term.id}" (also in the ${other} glossary)`,
          'check.duplicateTerm',
          { id: term.id, other },
        );
      termIds.set(term.id, glossary.topic);
      for (const lang of LANGUAGES) {
        if (!term[lang]) at(glossary, ['terms', i], `has no ${lang} word`, 'check.termNoWord', { lang });
      }
    });
  }
  const topics = content.glossaries.map((g) => g.topic);
  checkUnique(topics, (i, topic) =>
    at(
      content.glossaries[i] as object,
      ['topic'],
      `a second glossary for ${topic}`,
      'check.duplicateGlossary',
      {
        topic,
      },
    ),
  );
  checkSigns(content, at);
  return errors;
}

type At = ReportAt;

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
    at(
      translation,
      ['topic'],
      `is "${translation.topic}" but the English is "${source.topic}"`,
      'check.topicDiffers',
      {
        topic: translation.topic,
        english: source.topic,
      },
    );
  const want = source.sections.map((s) => s.id);
  const got = translation.sections.map((s) => s.id);
  if (!sameList(want, got)) {
    at(
      translation,
      ['sections'],
      `sections differ from the English source: expected [${want.join(', ')}], found [${got.join(', ')}]`,
      'check.sectionsDiffer',
      { expected: want.join(', '), found: got.join(', ') },
    );
  }
}

function compareModule(source: Module, translation: Module, at: At): void {
  if (translation.topic !== source.topic)
    at(
      translation,
      ['topic'],
      `is "${translation.topic}" but the English is "${source.topic}"`,
      'check.topicDiffers',
      {
        topic: translation.topic,
        english: source.topic,
      },
    );
  const wantSteps = source.steps.map((s) => s.id);
  const gotSteps = translation.steps.map((s) => s.id);
  if (!sameList(wantSteps, gotSteps)) {
    at(
      translation,
      ['steps'],
      `steps differ from the English source: expected [${wantSteps.join(', ')}], found [${gotSteps.join(', ')}]`,
      'check.stepsDiffer',
      { expected: wantSteps.join(', '), found: gotSteps.join(', ') },
    );
  }
  const wantQuiz = source.quiz.map((q) => q.id);
  const gotQuiz = translation.quiz.map((q) => q.id);
  if (!sameList(wantQuiz, gotQuiz)) {
    at(
      translation,
      ['quiz'],
      `quiz differs from the English source: expected [${wantQuiz.join(', ')}], found [${gotQuiz.join(', ')}]`,
      'check.quizDiffers',
      { expected: wantQuiz.join(', '), found: gotQuiz.join(', ') },
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
        'check.optionCount',
        { count: q.options.length, english: s.options.length },
      );
    }
    if (q.answer !== s.answer)
      at(
        translation,
        ['quiz', i, 'answer'],
        `is ${q.answer}; the English answer is ${s.answer}`,
        'check.answerDiffers',
        { answer: q.answer, english: s.answer },
      );
  });
  if (translation.passMark !== source.passMark)
    at(translation, ['passMark'], `differs from the English (${source.passMark})`, 'check.passMarkDiffers', {
      english: source.passMark,
    });
}

/*
 * One story everywhere (shared docs/screening.md, "Content and questionnaires tell the same story"): where a section
 * or a step says how urgent a sign is, its `signs` note names the sign, and the questionnaire must conclude the same
 * urgency; every emergency sign of a questionnaire must be caught by danger detection (content/safety).
 */

/** Where a sign is answered: the question that has it as an option (or the yes/no question of that id). */
function locateSign(q: Questionnaire, sign: string): { question: Question; value: unknown }[] {
  const found: { question: Question; value: unknown }[] = [];
  for (const question of q.questions) {
    if (question.type === 'yesno' && question.id === sign) found.push({ question, value: true });
    if (question.type === 'multi' && question.options.some((o) => o.id === sign))
      found.push({ question, value: [sign] });
    if (question.type === 'choice') {
      const option = question.options.find((o) => o.id === sign);
      if (option) found.push({ question, value: option.value ?? option.id });
    }
  }
  return found;
}

interface SignOutcome {
  /** One per baseline the answers apply to: the test case's name, the urgency and the rules that fired. */
  results: { baseline: string; urgency: Urgency; reasons: string[] }[];
  /** Why baselines did not apply (answers refused), for the message when none did. */
  refused: string[];
}

/**
 * The questionnaire's urgency for a sign chosen alone: each of the questionnaire's own test cases that concludes
 * `none` is a valid "nothing wrong" answer set; the sign (and the answers `with` names) replace its answers, and the
 * engine scores the result. A yes/no question that a sign's question depends on ("asked if cough") is answered yes.
 * A baseline applies only when the sign's question and every answer in `with` are asked.
 */
export function signUrgency(
  cq: CompiledQuestionnaire,
  sign: { question: Question; value: unknown } | null,
  extra: Record<string, unknown> = {},
): SignOutcome {
  const outcome: SignOutcome = { results: [], refused: [] };
  const baselines = cq.source.tests.filter((t) => t.expect.urgency === 'none' && !t.expect.error);
  const needed = [...(sign ? [sign.question.id] : []), ...Object.keys(extra)];
  for (const baseline of baselines) {
    const answers: Record<string, unknown> = { ...baseline.answers };
    if (sign) answers[sign.question.id] = sign.value;
    Object.assign(answers, extra);
    const set = new Set(needed);
    // Open the way to a follow-up question ("coughing_blood", asked if cough) with a yes to what it depends on.
    if (sign && !cq.isAsked(sign.question, answers) && sign.question.askIf) {
      for (const name of sign.question.askIf.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []) {
        if (cq.question(name)?.type === 'yesno' && !(name in extra)) {
          answers[name] = true;
          set.add(name);
        }
      }
    }
    // Alone: a question the change opens (cough opens coughing_blood) is answered "no" / "none of these".
    const before = cq.evaluate(baseline.answers);
    const asked = new Set(before.ok ? Object.keys(before.answers) : []);
    for (const question of cq.source.questions) {
      if (set.has(question.id) || asked.has(question.id) || !cq.isAsked(question, answers)) continue;
      if (question.type === 'yesno') answers[question.id] = false;
      if (question.type === 'multi') answers[question.id] = [];
    }
    const result = cq.evaluate(answers);
    if (!result.ok) {
      outcome.refused.push(
        `"${baseline.name}": ${result.issues.map((i) => `${i.question} ${i.problem.code}`).join(', ')}`,
      );
      continue;
    }
    const notAsked = needed.filter((id) => result.answers[id] === undefined);
    if (notAsked.length > 0) {
      outcome.refused.push(`"${baseline.name}": ${notAsked.join(', ')} not asked`);
      continue;
    }
    outcome.results.push({
      baseline: baseline.name,
      urgency: result.outcome.urgency,
      reasons: result.outcome.reasons,
    });
  }
  return outcome;
}

/**
 * Sign ids that danger detection knows (content/safety/danger-signs.yaml: each sign's id and `also`), as
 * `<questionnaire>/<option>`.
 */
function detectedSigns(content: ContentSet): Set<string> {
  const known = new Set<string>();
  for (const file of content.dangerSigns) {
    for (const entry of file.signs) {
      for (const id of [entry.id, ...entry.also]) known.add(id.replace(':', '/'));
    }
  }
  return known;
}

function checkSigns(content: ContentSet, at: At): void {
  const compiled = new Map<string, CompiledQuestionnaire>();
  for (const q of content.questionnaires) {
    try {
      compiled.set(q.id, new CompiledQuestionnaire(q));
    } catch {
      // A questionnaire whose expressions do not compile is reported by checkQuestionnaires.
    }
  }

  const checkNote = (item: object, path: (string | number)[], note: SignNote) => {
    const cq = compiled.get(note.questionnaire);
    if (!cq) {
      at(
        item,
        [...path, 'questionnaire'],
        `names the questionnaire "${note.questionnaire}", which does not exist`,
        'check.missingQuestionnaire',
        { id: note.questionnaire },
      );
      return;
    }
    let sign: { question: Question; value: unknown } | null = null;
    if (note.sign !== undefined) {
      const places = locateSign(cq.source, note.sign);
      if (places.length === 0) {
        at(
          item,
          [...path, 'sign'],
          `"${note.sign}" is not an option of the questionnaire ${cq.id}`,
          'check.signNotOption',
          { sign: note.sign, questionnaire: cq.id },
        );
        return;
      }
      if (places.length > 1) {
        at(
          item,
          [...path, 'sign'],
          `"${note.sign}" is an option of several questions of ${cq.id} (${places.map((p) => p.question.id).join(', ')}): give the answer under "with" instead`,
          'check.signAmbiguous',
          { sign: note.sign, questionnaire: cq.id, questions: places.map((p) => p.question.id).join(', ') },
        );
        return;
      }
      sign = places[0] ?? null;
    }
    const { results, refused } = signUrgency(cq, sign, note.with);
    const what = note.sign ?? JSON.stringify(note.with);
    if (results.length === 0) {
      at(
        item,
        path,
        `no test case of ${cq.id} that concludes "none" can take ${what}${refused.length > 0 ? ` (${refused.join('; ')})` : ''}: add one, or give the other answers under "with"`,
        'check.noBaseline',
        { questionnaire: cq.id, what },
      );
      return;
    }
    const urgencies = [...new Set(results.map((r) => r.urgency))];
    if (urgencies.length > 1) {
      const examples = urgencies
        .map((u) => `${u} with "${results.find((r) => r.urgency === u)?.baseline}"`)
        .join(', ');
      at(
        item,
        path,
        `the urgency of ${what} in ${cq.id} depends on the other answers (${examples}): name them under "with"`,
        'check.urgencyDepends',
        { what, questionnaire: cq.id },
      );
      return;
    }
    const got = urgencies[0] as Urgency;
    if (got !== note.urgency) {
      const reasons = results[0]?.reasons ?? [];
      at(
        item,
        [...path, 'urgency'],
        `says ${note.urgency} for ${what}, but ${cq.id} concludes ${got}${reasons.length > 0 ? ` (rule ${reasons.join(', ')})` : ' (no rule fires)'}`,
        reasons.length > 0 ? 'check.urgencyDiffers' : 'check.urgencyDiffersNoRule',
        { said: note.urgency, what, questionnaire: cq.id, got, rules: reasons.join(', ') },
      );
    }
  };

  const notesOf = (list: { signs?: SignNote[] }[] | undefined) =>
    (list ?? []).map((x) => JSON.stringify(x.signs ?? []));
  for (const article of content.articles) {
    article.sections.forEach((section, i) => {
      section.signs?.forEach((note, j) => {
        checkNote(article, ['sections', i, 'signs', j], note);
      });
    });
    const source = content.articles.find((a) => a.id === article.id && a.lang === 'en');
    if (article.lang !== 'en' && source) {
      const want = notesOf(source.sections);
      notesOf(article.sections).forEach((got, i) => {
        if (got !== '[]' && got !== want[i])
          at(
            article,
            ['sections', i, 'signs'],
            'differ from the signs of the English section',
            'check.signsDifferSection',
          );
      });
    }
  }
  for (const module of content.modules) {
    module.steps.forEach((step, i) => {
      step.signs?.forEach((note, j) => {
        checkNote(module, ['steps', i, 'signs', j], note);
      });
    });
    const source = content.modules.find((m) => m.id === module.id && m.lang === 'en');
    if (module.lang !== 'en' && source) {
      const want = notesOf(source.steps);
      notesOf(module.steps).forEach((got, i) => {
        if (got !== '[]' && got !== want[i])
          at(
            module,
            ['steps', i, 'signs'],
            'differ from the signs of the English step',
            'check.signsDifferStep',
          );
      });
    }
  }

  // Every emergency sign of a questionnaire is caught by danger detection, and every sign it describes exists.
  const detected = detectedSigns(content);
  for (const file of content.dangerSigns) {
    file.signs.forEach((entry, i) => {
      [entry.id, ...entry.also].forEach((id, j) => {
        const [qid, option] = id.includes(':') ? id.split(':') : [entry.screen, undefined];
        const cq = qid ? compiled.get(qid) : undefined;
        const path = j === 0 ? ['signs', i, 'id'] : ['signs', i, 'also', j - 1];
        if (!cq)
          at(
            file,
            path,
            `names the questionnaire "${qid ?? ''}", which does not exist`,
            'check.missingQuestionnaire',
            {
              id: qid ?? '',
            },
          );
        else if (option && locateSign(cq.source, option).length === 0 && !cq.question(option))
          at(
            file,
            path,
            `"${option}" is not an option (nor a question) of the questionnaire ${cq.id}`,
            'check.signNotOptionNorQuestion',
            { sign: option, questionnaire: cq.id },
          );
      });
    });
  }
  for (const cq of compiled.values()) {
    cq.source.questions.forEach((question, qi) => {
      const candidates =
        question.type === 'multi'
          ? question.options.map((o, oi) => ({ id: o.id, path: ['questions', qi, 'options', oi] }))
          : question.type === 'yesno'
            ? [{ id: question.id, path: ['questions', qi] }]
            : [];
      for (const candidate of candidates) {
        const sign = locateSign(cq.source, candidate.id).find((p) => p.question === question);
        if (!sign) continue;
        const { results } = signUrgency(cq, sign);
        if (!results.some((r) => r.urgency === 'emergency')) continue;
        if (detected.has(`${cq.id}/${candidate.id}`)) continue;
        at(
          cq.source,
          candidate.path,
          `"${candidate.id}" is an emergency sign but danger detection does not know it: add ${cq.id}:${candidate.id} to the signs of content/safety/danger-signs.yaml (id or also), described in every language`,
          'check.signNotDetected',
          { sign: candidate.id, questionnaire: cq.id },
        );
      }
    });
  }
}
