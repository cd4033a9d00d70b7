import type { ContentSet } from '../content-set.js';
import type { TreeChanges } from '../versions/content-tree.js';
import { clinicalChanges } from './classify.js';
import { type ContentItem, contentItems } from './content-items.js';
import { questionnaireLogicChanges } from './logic-diff.js';
import { runQuestionnaireTests } from './questionnaire-tests.js';
import type { ItemChange, Preview } from './types.js';
import { differingPlaces, sameData } from './value-diff.js';

/**
 * What publishing `next` over `live` would change, for the trainer's preview and the clinician's review: items
 * added, changed and removed (matched by kind, id and language), every questionnaire logic change before and after,
 * the test cases of each added or changed questionnaire run on the new content, and what needs a clinician.
 */
export function buildPreview(live: ContentSet, next: ContentSet, files: TreeChanges): Preview {
  const before = contentItems(live);
  const after = contentItems(next);
  // The convention says .yaml; an upload may name the file .yml.
  const touched = new Set([...files.added, ...files.changed, ...files.removed]);
  const fileOf = (item: ContentItem) => {
    const yml = item.file.replace(/\.yaml$/, '.yml');
    return touched.has(yml) && !touched.has(item.file) ? yml : item.file;
  };
  const change = (kind: ItemChange['change'], item: ContentItem, fields: string[] = []): ItemChange => ({
    change: kind,
    kind: item.kind,
    id: item.id,
    lang: item.lang,
    title: item.title,
    file: fileOf(item),
    counts: item.counts,
    fields,
    ...(item.archived !== undefined ? { archived: item.archived } : {}),
  });

  const items: ItemChange[] = [];
  for (const [key, item] of after) {
    const was = before.get(key);
    if (!was) items.push(change('added', item));
    // The review record counts: approving an item edits only that.
    else if (!sameData(was.value, item.value))
      items.push({
        ...change('changed', item, differingPlaces(was.value, item.value, { whole: ['review'] })),
        countsBefore: was.counts,
      });
  }
  for (const [key, item] of before) if (!after.has(key)) items.push(change('removed', item));
  items.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));

  const tested = new Set(
    items
      .filter((i) => i.kind === 'questionnaire' && i.change !== 'removed' && i.archived === undefined)
      .map((i) => i.id),
  );
  const logic = questionnaireLogicChanges(live, next);
  return {
    files,
    items,
    logic,
    tests: next.questionnaires.filter((q) => tested.has(q.id)).map(runQuestionnaireTests),
    clinical: clinicalChanges(live, next, logic),
  };
}
