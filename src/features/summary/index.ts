import { ROLES } from '../../accounts/types.js';
import type { Feature } from '../../core/flow.js';
import { summaryFlow } from './summary-flow.js';

/**
 * Weekly summaries for supervisors and admins (issue 12). `/summary` answers every role, so mentors and trainers
 * hear a polite refusal in their language rather than "unknown command".
 */
export const summaryFeature: Feature = {
  flows: [summaryFlow],
  menu: [
    { id: 'm:summary', label: 'summary:menu', roles: ['supervisor', 'admin'], flow: 'summary', order: 45 },
  ],
  commands: { summary: { flow: 'summary', roles: ROLES } },
};
