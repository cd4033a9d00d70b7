import type { Urgency } from '../../screening/schema.js';

/**
 * Urgency colours from the Okabe-Ito palette, which stays distinguishable with the common colour-vision
 * deficiencies (vermillion and orange differ in lightness too, blue and grey in saturation). The series order is
 * fixed so the most urgent part of each bar sits at its start, where the eye lands.
 */
export const URGENCY_COLORS: Readonly<Record<Urgency, string>> = {
  emergency: '#D55E00',
  urgent: '#E69F00',
  routine: '#0072B2',
  none: '#9E9E9E',
};
