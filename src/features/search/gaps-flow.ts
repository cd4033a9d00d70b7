import type { Flow } from '../../core/flow.js';
import type { GapRecord } from './ask-flow.js';

const SHOWN = 15;

/** Trainers see the questions mentors shared because the content had no good answer (no names, no numbers). */
export const gapsFlow: Flow = {
  id: 'gaps',
  roles: ['trainer', 'admin'],
  async start(ctx) {
    const gaps = ctx.services.store.journal<GapRecord>('gaps').all();
    if (gaps.length === 0) return ctx.showMenu(ctx.t('gaps.none'));
    const latest = gaps.slice(-SHOWN).reverse();
    ctx.say(
      `${ctx.t('gaps.title', { count: gaps.length, shown: latest.length })}\n\n${latest
        .map((g) => `• [${g.lang}] ${g.question} (${g.at.slice(0, 10)})`)
        .join('\n')}`,
    );
    await ctx.showMenu();
  },
  async onInput(ctx) {
    await ctx.showMenu();
  },
};
