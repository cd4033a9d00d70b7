import { z } from 'zod';
import type { Lang } from '../../accounts/types.js';
import type { Catalog } from '../../content/catalog.js';
import { defineFlow } from '../../core/define-flow.js';
import type { Translator } from '../../i18n/i18n.js';
import type { FeedbackRecord } from '../search/records.js';

/** Items listed: the ones to rewrite first. */
export const SHOWN_ITEMS = 10;

export interface ItemRating {
  /** The article or module a rated passage belongs to (a passage id is `item#section`). */
  item: string;
  notHelpful: number;
  all: number;
}

/** The calendar month of a moment where the programme works (config TZ), e.g. "2026-11". */
export function monthOf(date: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en', { timeZone, year: 'numeric', month: '2-digit' }).formatToParts(
    date,
  );
  return `${parts.find((p) => p.type === 'year')?.value}-${parts.find((p) => p.type === 'month')?.value}`;
}

/**
 * This month's ratings by item, most "not helpful" first (then the larger share of them), items nobody found
 * unhelpful left out.
 */
export function rankNotHelpful(
  records: readonly FeedbackRecord[],
  now: Date,
  timeZone: string,
): ItemRating[] {
  const month = monthOf(now, timeZone);
  const byItem = new Map<string, ItemRating>();
  for (const r of records) {
    if (monthOf(new Date(r.at), timeZone) !== month) continue;
    const item = r.passage.split('#')[0] ?? r.passage;
    const rating = byItem.get(item) ?? { item, notHelpful: 0, all: 0 };
    rating.all++;
    if (!r.helpful) rating.notHelpful++;
    byItem.set(item, rating);
  }
  return [...byItem.values()]
    .filter((r) => r.notHelpful > 0)
    .sort((a, b) => b.notHelpful - a.notHelpful || b.notHelpful / b.all - a.notHelpful / a.all)
    .slice(0, SHOWN_ITEMS);
}

/** An item's title in her language (or English), marked as a module or an article; its id if it is gone. */
function titleOf(t: Translator, catalog: Catalog, item: string, lang: Lang): string {
  const article = catalog.article(item, lang);
  if (article) return `📖 ${article.item.title}`;
  const module = catalog.module(item, lang);
  if (module) return `🎓 ${module.item.title}`;
  return t('publishing:notHelpful.gone', { id: item });
}

/**
 * Beside "Questions without answers": the articles (and lessons) mentors rated not helpful most often this month,
 * so trainers know what to rewrite. Counts only, never who rated.
 */
export const notHelpfulFlow = defineFlow<null, never>({
  id: 'not-helpful',
  ns: 'nh',
  roles: ['trainer', 'admin'],
  state: z.null(),
  async start(ctx) {
    ctx.state = null;
    // A month is at most 31 days (and a day either side for the timezone): older ratings need not be read.
    const from = new Date(ctx.now.getTime() - 33 * 86_400_000).toISOString();
    const records = await ctx.store.journal<FeedbackRecord>('feedback').query({ from });
    const ranked = rankNotHelpful(records, ctx.now, ctx.services.config.TZ);
    if (ranked.length === 0) return ctx.showMenu(ctx.t('publishing:notHelpful.none'));
    const { catalog } = ctx.services.content.current();
    const lines = ranked.map((r, i) =>
      ctx.t('publishing:notHelpful.line', {
        n: i + 1,
        title: titleOf(ctx.t, catalog, r.item, ctx.lang),
        notHelpful: r.notHelpful,
        all: r.all,
      }),
    );
    return ctx.showMenu(`${ctx.t('publishing:notHelpful.title')}\n\n${lines.join('\n')}`);
  },
  steps: {},
});
