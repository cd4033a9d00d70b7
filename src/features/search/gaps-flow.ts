import { z } from 'zod';
import { defineFlow } from '../../core/define-flow.js';
import type { Translator } from '../../i18n/i18n.js';
import type { GapRecord } from './records.js';

/** The latest shared questions shown in chat; the command line (`gaps`) lists them all. */
export const SHOWN_GAPS = 15;

/** The list trainers read: newest first, each with its language and day. */
export function formatGaps(t: Translator, gaps: readonly GapRecord[]): string {
  const latest = gaps.slice(-SHOWN_GAPS).reverse();
  const lines = latest.map((g) => `• [${g.lang}] ${g.question} (${g.at.slice(0, 10)})`);
  return `${t('gaps.title', { count: gaps.length, shown: latest.length })}\n\n${lines.join('\n')}`;
}

/** Trainers see the questions mentors shared because the content had no good answer (no names, no numbers). */
export const gapsFlow = defineFlow<null, never>({
  id: 'gaps',
  ns: 'gp',
  roles: ['trainer', 'admin'],
  state: z.null(),
  async start(ctx) {
    ctx.state = null;
    const gaps = await ctx.store.journal<GapRecord>('gaps').query();
    if (gaps.length === 0) return ctx.showMenu(ctx.t('gaps.none'));
    return ctx.showMenu(formatGaps(ctx.t, gaps));
  },
  steps: {},
});
