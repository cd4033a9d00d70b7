import { ROLES } from '../../accounts/types.js';
import type { Feature } from '../../core/flow.js';
import { trainingFlow } from '../training/training-flow.js';
import { articleFlow } from './article-flow.js';
import { historyFlow } from './history-flow.js';
import { notHelpfulFlow } from './not-helpful-flow.js';
import { publishFlow } from './publish-flow.js';
import { reviewFlow } from './review-flow.js';

const TRAINERS = ['trainer', 'admin'] as const;

/**
 * Trainers publish content through the chat (a file sent from the menu starts it), see the versions and roll back;
 * clinicians approve changes and draft items; mentors open what they are told of with one tap.
 */
export const publishingFeature: Feature = {
  flows: [publishFlow, historyFlow, reviewFlow, notHelpfulFlow, articleFlow],
  menu: [
    { id: 'm:publish', label: 'publishing:menu.publish', roles: TRAINERS, flow: 'publish', order: 65 },
    {
      id: 'm:versions',
      label: 'publishing:menu.history',
      roles: TRAINERS,
      flow: 'content-history',
      order: 66,
    },
    {
      id: 'm:review',
      label: 'publishing:menu.review',
      roles: ROLES,
      permission: 'clinician',
      flow: 'review',
      order: 67,
    },
    // Beside "Questions without answers" (70).
    {
      id: 'm:unhelpful',
      label: 'publishing:menu.notHelpful',
      roles: TRAINERS,
      flow: 'not-helpful',
      order: 71,
    },
  ],
  commands: { publish: { flow: 'publish', roles: TRAINERS } },
  documents: { flow: 'publish', roles: TRAINERS },
  links: {
    art: { flow: 'article', arg: 'article', roles: ROLES },
    mod: { flow: 'training', arg: 'module', roles: trainingFlow.roles ?? ROLES },
    rev: { flow: 'review', arg: 'proposal', roles: ROLES, permission: 'clinician' },
  },
};
