import { describe, expect, it } from 'vitest';
import { coldStart } from '../../bench/cold-start.js';

describe('a fresh install', () => {
  it('shows the menu and answers a health question from keywords while the passage vectors are still being built', async () => {
    // The real server (tsx) on an empty data folder and an empty cache: the model is converted and all ~525
    // passages embedded in worker threads, which takes tens of seconds; the answers must not wait for that.
    const figures = await coldStart({ how: 'tsx', waitForVectors: false, timeoutMs: 30_000 });
    expect(figures.vectorsReadyBeforeAnswer).toBe(false);
    expect(figures.answerConfident).toBe(true);
    expect(figures.answerText).toMatch(/TB|tuberculosis/i);
    // Aims: the menu within 200 ms, the answer within 2 s (npm run bench measures them); the bounds here leave
    // room for a busy test machine, yet fail if either waited for the model (tens of seconds).
    expect(figures.menuMs).toBeLessThan(2000);
    expect(figures.answerMs).toBeLessThan(2000);
  }, 60_000);
});
