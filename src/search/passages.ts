import type { Lang } from '../accounts/types.js';
import type { Catalog } from '../content/catalog.js';
import type { Topic } from '../content/topics.js';

/** A unit search answers with: one library section or one lesson step, in one language. */
export interface Passage {
  /** `article-id#section-id` or `module-id#step-id`; the same in every language. */
  id: string;
  item: string;
  kind: 'section' | 'step';
  lang: Lang;
  topic: Topic;
  /** The article or module title. */
  itemTitle: string;
  heading: string;
  text: string;
  source: string;
  /** The clinician who approved the article or module, and when; null while it is a draft. */
  approved: { by: string; date: string } | null;
  /** The training module that teaches this topic, if any. */
  module: string | null;
}

/** Every passage of the live content. Lesson steps count too: they are reviewed content as well. */
export function passagesOf(catalog: Catalog): Passage[] {
  const passages: Passage[] = [];
  for (const article of catalog.content.articles) {
    for (const section of article.sections) {
      passages.push({
        id: `${article.id}#${section.id}`,
        item: article.id,
        kind: 'section',
        lang: article.lang,
        topic: article.topic,
        itemTitle: article.title,
        heading: section.heading,
        text: section.body,
        source: article.sources[0]?.title ?? '',
        approved: approvalOf(article.review),
        module: article.module ?? null,
      });
    }
  }
  for (const module of catalog.content.modules) {
    for (const step of module.steps) {
      passages.push({
        id: `${module.id}#${step.id}`,
        item: module.id,
        kind: 'step',
        lang: module.lang,
        topic: module.topic,
        itemTitle: module.title,
        heading: step.title,
        text: step.body,
        source: module.sources[0]?.title ?? '',
        approved: approvalOf(module.review),
        module: module.id,
      });
    }
  }
  return passages;
}

/** Who approved an item and when, from its review record (null for a draft). */
export function approvalOf(review: {
  status: string;
  by: string | null;
  date: string | null;
}): { by: string; date: string } | null {
  return review.status === 'approved' && review.by && review.date
    ? { by: review.by, date: review.date }
    : null;
}

/** What is embedded and keyword-indexed for a passage: its titles carry much of its meaning. */
export const passageText = (p: Passage): string => `${p.itemTitle}. ${p.heading}. ${p.text}`;
