import { z } from 'zod';
import { ROLES } from '../../accounts/types.js';
import { defineFlow } from '../../core/define-flow.js';
import type { Feature } from '../../core/flow.js';

/** What the bot can do for her role, and the commands that work everywhere; then the menu. */
const helpFlow = defineFlow<null, never>({
  id: 'help',
  ns: 'hp',
  roles: ROLES,
  state: z.null(),
  async start(ctx) {
    ctx.state = null;
    if (!ctx.user) return ctx.showMenu();
    return ctx.showMenu(`${ctx.t(`help.${ctx.user.role}`)}\n\n${ctx.t('help.commands')}`);
  },
  steps: {},
});

export const helpFeature: Feature = {
  flows: [helpFlow],
  menu: [{ id: 'm:help', label: 'menu.help', roles: ROLES, flow: 'help', order: 99 }],
  commands: { help: { flow: 'help', roles: ROLES } },
};
