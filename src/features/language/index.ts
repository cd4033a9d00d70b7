import { LANGUAGE_NAMES } from '../../accounts/display.js';
import { isLang, LANGUAGES, ROLES } from '../../accounts/types.js';
import type { Feature, Flow } from '../../core/flow.js';

/** Her language is her choice, changeable at any time with /language or from the menu. */
const languageFlow: Flow = {
  id: 'language',
  roles: ROLES,
  async start(ctx) {
    ctx.ask(
      ctx.t('language.ask'),
      LANGUAGES.map((lang) => ({ id: `lang:${lang}`, label: LANGUAGE_NAMES[lang] })),
    );
  },
  async onInput(ctx, input) {
    const lang = input.kind === 'choice' ? input.id.replace(/^lang:/, '') : '';
    if (!ctx.user || !isLang(lang)) return ctx.showMenu();
    const user = { ...ctx.user, lang };
    await ctx.services.store.users.put(user);
    ctx.setUser(user);
    return ctx.showMenu(ctx.t('language.changed', { language: LANGUAGE_NAMES[lang] }));
  },
};

export const languageFeature: Feature = {
  flows: [languageFlow],
  menu: [{ id: 'm:language', label: 'menu.language', roles: ROLES, flow: 'language', order: 90 }],
  commands: { language: { flow: 'language', roles: ROLES } },
};
