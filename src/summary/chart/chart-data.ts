/**
 * What the summary chart draws (issue 12), every text already translated by the caller: the chart never looks up
 * a language, so the worker that renders it needs no i18next.
 */

export interface ChartSeries {
  /** The legend text, e.g. "Emergency" in her language. */
  label: string;
  /** A CSS colour; URGENCY_COLORS holds the ones chosen for colour-blind readers. */
  color: string;
  /** One value per mentor, in the order of ChartData.mentors. */
  values: number[];
}

export interface ChartData {
  title: string;
  /** Display names, in the order the caller wants them read (the first ones are kept past the cap). */
  mentors: string[];
  /** Stacked in this order, left to right. */
  series: ChartSeries[];
  /** The value axis' title, e.g. "Screenings". */
  yLabel: string;
  /**
   * Optional (added beside the agreed fields): the translated "and N more" appended to the title when mentors are
   * left out past the cap, with `{{count}}` for N. Without it the title gets a language-neutral "(+N)".
   */
  moreText?: string;
}

export interface ChartRenderer {
  render(data: ChartData): Promise<Uint8Array>;
  /** Stops the worker; a render in flight rejects, later ones too. */
  close(): Promise<void>;
}
