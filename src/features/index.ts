import type { Feature } from '../core/flow.js';
import { glossaryFeature } from './glossary/index.js';
import { helpFeature } from './help/index.js';
import { invitesFeature } from './invites/index.js';
import { languageFeature } from './language/index.js';
import { linkFeature } from './link/index.js';
import { onboardingFeature } from './onboarding/index.js';
import { publishingFeature } from './publishing/index.js';
import { screeningFeature } from './screening/index.js';
import { searchFeature } from './search/index.js';
import { summaryFeature } from './summary/index.js';
import { trainingFeature } from './training/index.js';
import { usersFeature } from './users/index.js';

/** Every feature the bot has; the engine builds the menu and commands from these. */
export const allFeatures = (): Feature[] => [
  onboardingFeature,
  searchFeature,
  screeningFeature,
  trainingFeature,
  glossaryFeature,
  invitesFeature,
  usersFeature,
  summaryFeature,
  publishingFeature,
  languageFeature,
  linkFeature,
  helpFeature,
];
