import { z } from 'zod';
import { LANGUAGE_NAMES } from '../../accounts/display.js';
import { ROLES } from '../../accounts/types.js';
import { defineFlow } from '../../core/define-flow.js';
import { approvalOf } from '../../search/passages.js';
import { reviewLine } from '../search/answer-format.js';

/** One chat message stays well under the smallest channel limit (Telegram: 4096 characters). */
const MAX_MESSAGE_CHARS = 3500;

/** Joins paragraphs into as few messages as fit (a section is at most 800 characters, so each fits alone). */
export function pack(paragraphs: readonly string[], max = MAX_MESSAGE_CHARS): string[] {
  const messages: string[] = [];
  let current = '';
  for (const p of paragraphs) {
    if (current && current.length + 2 + p.length > max) {
      messages.push(current);
      current = '';
    }
    current = current ? `${current}\n\n${p}` : p;
  }
  if (current) messages.push(current);
  return messages;
}

/**
 * An article opened by id (the `@art:<id>` button of an announcement): its title, summary and sections in her
 * language, or in English with a note when it is not translated yet; then the menu.
 */
export const articleFlow = defineFlow<null, never>({
  id: 'article',
  ns: 'art',
  roles: ROLES,
  state: z.null(),
  start(ctx, args) {
    ctx.state = null;
    const id = typeof args.article === 'string' ? args.article : '';
    const found = id ? ctx.content.catalog.article(id, ctx.lang) : undefined;
    if (!found) return ctx.showMenu(ctx.t('publishing:article.gone'));
    const { item, fallback } = found;
    const head = [`📖 ${item.title}`, item.summary];
    if (fallback) head.push(ctx.t('publishing:article.inEnglish', { language: LANGUAGE_NAMES[ctx.lang] }));
    const sections = item.sections.map((s) => `${s.heading}\n${s.body}`);
    const source = ctx.t('search.source', { source: item.sources.map((s) => s.title).join('; ') });
    const review = reviewLine(ctx.t, approvalOf(item.review));
    for (const message of pack([head.join('\n\n'), ...sections, `${source}\n${review}`])) ctx.say(message);
    return ctx.showMenu();
  },
  steps: {},
});
