import type { Feature } from '../../core/flow.js';
import { usersFlow } from './users-flow.js';

export const usersFeature: Feature = {
  flows: [usersFlow],
  menu: [{ id: 'm:users', label: 'menu.users', roles: ['admin'], flow: 'users', order: 60 }],
};
