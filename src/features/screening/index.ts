import type { Feature } from '../../core/flow.js';
import { registerClientFlow } from './client-registration.js';
import { clientsFlow } from './clients-flow.js';
import { screenFlow } from './screen-flow.js';
import { teamClientsFlow } from './team-flow.js';

export const screeningFeature: Feature = {
  flows: [screenFlow, registerClientFlow, clientsFlow, teamClientsFlow],
  menu: [
    { id: 'm:screen', label: 'menu.screen', roles: ['mentor'], flow: 'screen', order: 3 },
    { id: 'm:clients', label: 'menu.clients', roles: ['mentor'], flow: 'clients', order: 4 },
    { id: 'm:team', label: 'menu.team', roles: ['supervisor'], flow: 'team-clients', order: 4 },
  ],
  commands: {
    screen: { flow: 'screen', roles: ['mentor'] },
    clients: { flow: 'clients', roles: ['mentor'] },
  },
};
