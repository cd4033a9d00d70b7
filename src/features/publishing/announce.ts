import { z } from 'zod';
import type { ItemChange } from '../../content/publishing/types.js';
import type { FlowContext } from '../../core/flow.js';
import { activeWithRole, translatorFor } from './people.js';

/** At most this many items are announced from one change (each is one message to every mentor). */
export const MAX_NEWS = 5;

/** An article or module a published change added or updated: what mentors may be told of. */
export const newsSchema = z.object({
  kind: z.enum(['article', 'module']),
  id: z.string().max(100),
  change: z.enum(['added', 'changed']),
});
export type News = z.infer<typeof newsSchema>;

/** The articles and modules a change adds or updates, once each (a change to several languages counts once). */
export function newsOf(items: readonly ItemChange[]): News[] {
  const news = new Map<string, News>();
  for (const item of items) {
    if (item.kind !== 'article' && item.kind !== 'module') continue;
    if (item.change === 'removed') continue;
    const key = `${item.kind}:${item.id}`;
    // Added in one language and changed in another: for mentors it is new only if it was new everywhere.
    const seen = news.get(key);
    if (!seen) news.set(key, { kind: item.kind, id: item.id, change: item.change });
    else if (item.change === 'changed') seen.change = 'changed';
  }
  return [...news.values()].slice(0, MAX_NEWS);
}

/** Link choices (see the feature's `links`): short, as Telegram callback data is. */
export const linkId = (news: Pick<News, 'kind' | 'id'>): string =>
  `${news.kind === 'article' ? '@art' : '@mod'}:${news.id}`;

/**
 * Tells every active mentor of each item, in her language: its title in her language when it is translated, else
 * the English one marked as such, with one button that opens it. Returns how many mentors were told.
 */
export async function announce(
  ctx: Pick<FlowContext, 'store' | 'services' | 'push'>,
  news: readonly News[],
): Promise<number> {
  const { catalog } = ctx.services.content.current();
  const mentors = await activeWithRole(ctx.store, 'mentor');
  for (const mentor of mentors) {
    const t = translatorFor(ctx, mentor.lang);
    for (const item of news) {
      const found =
        item.kind === 'article'
          ? catalog.article(item.id, mentor.lang)
          : catalog.module(item.id, mentor.lang);
      if (!found) continue;
      const title = found.fallback
        ? t('publishing:common.inEnglish', { title: found.item.title })
        : found.item.title;
      ctx.push(mentor.id, {
        type: 'choices',
        text: t(`publishing:announce.${item.kind}.${item.change}`, { title }),
        choices: [{ id: linkId(item), label: t(`publishing:announce.${item.kind}.open`) }],
        multiple: false,
      });
    }
  }
  return mentors.length;
}
