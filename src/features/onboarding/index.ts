import type { Feature } from '../../core/flow.js';
import { onboardingFlow } from './onboarding-flow.js';

export const onboardingFeature: Feature = { flows: [onboardingFlow] };
