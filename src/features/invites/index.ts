import type { Feature } from '../../core/flow.js';
import { inviteFlow } from './invite-flow.js';

export const invitesFeature: Feature = {
  flows: [inviteFlow],
  menu: [
    { id: 'm:invite', label: 'menu.inviteAnyone', roles: ['admin'], flow: 'invite', order: 50 },
    { id: 'm:invite-mentor', label: 'menu.inviteMentor', roles: ['supervisor'], flow: 'invite', order: 50 },
  ],
  commands: { invite: { flow: 'invite', roles: ['admin', 'supervisor'] } },
};
