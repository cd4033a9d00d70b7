import type { Feature } from '../../core/flow.js';
import { trainingFlow } from './training-flow.js';

export const trainingFeature: Feature = {
  flows: [trainingFlow],
  menu: [
    {
      id: 'm:training',
      label: 'menu.training',
      roles: ['mentor', 'supervisor', 'trainer'],
      flow: 'training',
      order: 10,
    },
  ],
  commands: { training: { flow: 'training', roles: ['mentor', 'supervisor', 'trainer'] } },
};
