import { ROLES } from '../../accounts/types.js';
import type { Feature, Flow } from '../../core/flow.js';

/** What the bot can do for her role, and the commands that work everywhere. */
const helpFlow: Flow = {
  id: 'help',
  roles: ROLES,
  async start(ctx) {
    if (!ctx.user) return;
    ctx.say(`${ctx.t(`help.${ctx.user.role}`)}\n\n${ctx.t('help.commands')}`);
    await ctx.showMenu();
  },
  async onInput(ctx) {
    await ctx.showMenu();
  },
};

export const helpFeature: Feature = {
  flows: [helpFlow],
  menu: [{ id: 'm:help', label: 'menu.help', roles: ROLES, flow: 'help', order: 99 }],
  commands: { help: { flow: 'help', roles: ROLES } },
};
