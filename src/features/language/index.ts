import { z } from 'zod';
import { LANGUAGE_NAMES } from '../../accounts/display.js';
import { isLang, LANGUAGES, ROLES } from '../../accounts/types.js';
import { defineFlow, type StepContext } from '../../core/define-flow.js';
import type { Feature } from '../../core/flow.js';

type Step = 'choose';

/** Her language is her choice, changeable at any time with /language or from the menu. */
const languageFlow = defineFlow({
  id: 'language',
  ns: 'lg',
  roles: ROLES,
  state: z.null(),
  start(ctx) {
    ctx.state = null;
    ctx.goto('choose');
    return showChoices(ctx);
  },
  steps: {
    choose: {
      show: showChoices,
      async onInput(ctx, input) {
        const lang = input.kind === 'choice' ? input.id : '';
        if (!ctx.user || !isLang(lang)) return showChoices(ctx);
        const user = { ...ctx.user, lang };
        await ctx.store.users.put(user);
        ctx.setUser(user);
        return ctx.showMenu(ctx.t('language.changed', { language: LANGUAGE_NAMES[lang] }));
      },
    },
  },
});

function showChoices(ctx: StepContext<null, Step>): void {
  ctx.ask(
    ctx.t('language.ask'),
    LANGUAGES.map((lang) => ({ id: lang, label: LANGUAGE_NAMES[lang] })),
  );
}

export const languageFeature: Feature = {
  flows: [languageFlow],
  menu: [{ id: 'm:language', label: 'menu.language', roles: ROLES, flow: 'language', order: 90 }],
  commands: { language: { flow: 'language', roles: ROLES } },
};
