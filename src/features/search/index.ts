import { ROLES } from '../../accounts/types.js';
import type { Feature } from '../../core/flow.js';
import { askFlow } from './ask-flow.js';
import { gapsFlow } from './gaps-flow.js';

export const searchFeature: Feature = {
  flows: [askFlow, gapsFlow],
  menu: [
    { id: 'm:ask', label: 'menu.ask', roles: ROLES, flow: 'ask', order: 5 },
    { id: 'm:gaps', label: 'menu.gaps', roles: ['trainer', 'admin'], flow: 'gaps', order: 70 },
  ],
  commands: { ask: { flow: 'ask', roles: ROLES } },
  freeText: { flow: 'ask', roles: ROLES },
};
