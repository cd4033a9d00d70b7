import { describe, expect, it } from 'vitest';
import { allText } from '../../support/chat-driver.js';
import { contentFile, publishingWorld } from './world.js';

describe('trying a module or questionnaire before it goes live', () => {
  it('a trial screening runs the new wording, stores nothing, and comes back to the upload', async () => {
    const w = await publishingWorld();
    await w.join('thandi', 'trainer', 'Thandi');
    const reworded = contentFile('questionnaires/pregnancy-danger-signs.yaml').replace(
      'Ask every pregnant woman at every visit',
      'Ask each pregnant woman, at every single visit',
    );
    const preview = allText(await w.upload('thandi', 'pregnancy-danger-signs.yaml', reworded));
    expect(preview).toContain('Try it first: Danger signs in pregnancy');

    const trial = allText(await w.chat.tap('thandi', 'Try it first'));
    expect(trial).toContain('Only you see this');
    expect(trial).toContain('A trial screening');
    // The proposal's content, not the live one.
    expect(trial).toContain('Ask each pregnant woman, at every single visit');
    expect(trial).toContain('How many weeks pregnant is she?');
    expect(allText(await w.chat.text('thandi', '20'))).toContain('Does she have any of these now');
    await w.chat.tap('thandi', 'Bleeding from the vagina');
    const result = allText(await w.chat.tap('thandi', 'Done'));
    expect(result).toContain('A danger sign in pregnancy');
    expect(result).toContain('That was the result of the trial. Nothing was stored.');
    expect(result).toContain('Back to your upload');
    expect(result).toContain('Publish now');
    const screenings = await w.store.journal('screenings').query();
    const referrals = await w.store.journal('referrals').query();
    expect([screenings.length, referrals.length]).toEqual([0, 0]);
    // Still nothing live; then she publishes.
    expect(w.app.services.catalog.questionnaire('pregnancy-danger-signs')?.source.intro).toContain(
      'Ask every pregnant woman',
    );
    await w.chat.tap('thandi', 'Publish now');
    expect(allText(await w.chat.tap('thandi', 'Skip'))).toContain('Version 2 is live for everyone');
    expect(w.app.services.catalog.questionnaire('pregnancy-danger-signs')?.source.intro).toContain(
      'Ask each pregnant woman',
    );
    await w.app.close();
  }, 60_000);

  it('a module tried in the training flow, with the way back to the upload instead of "All modules"', async () => {
    const w = await publishingWorld();
    await w.join('thandi', 'trainer', 'Thandi');
    const retitled = contentFile('modules/tb-basics.en.yaml').replace(
      'title: "TB: find it early, support the cure"',
      'title: "TB: find it early, help her finish"',
    );
    expect(allText(await w.upload('thandi', 'tb-basics.en.yaml', retitled))).toContain(
      'Try it first: TB: find it early, help her finish',
    );
    const lesson = allText(await w.chat.tap('thandi', 'Try it first'));
    expect(lesson).toContain('TB: find it early, help her finish');
    expect(lesson).toContain('Lesson 1/');
    expect(lesson).toContain('Back to my upload');
    expect(lesson).not.toContain('All modules');
    const back = allText(await w.chat.tap('thandi', 'Back to my upload'));
    expect(back).toContain('Back to your upload');
    expect(back).toContain('Publish now');
    expect(allText(await w.chat.tap('thandi', 'Cancel'))).toContain('Cancelled. Nothing changed.');
    expect(w.app.services.catalog.module('tb-basics', 'en')?.item.title).toBe(
      'TB: find it early, support the cure',
    );
    // Nothing of the trial reached the training journal.
    expect(await w.store.journal('training').query()).toEqual([]);
    await w.app.close();
  }, 60_000);
});
