import { describe, expect, it } from 'vitest';
import { allText } from '../../support/chat-driver.js';
import { NEW_ARTICLE, publishingWorld } from './world.js';

describe('content versions in the chat', () => {
  it('lists who published what and why, the live one marked; a rollback is two taps from the list', async () => {
    const w = await publishingWorld();
    await w.join('thandi', 'trainer', 'Thandi');
    await w.upload('thandi', 'tb-cough-etiquette.en.yaml', NEW_ARTICLE);
    await w.chat.tap('thandi', 'Publish now');
    await w.chat.text('thandi', 'Coughs on visits');
    await w.chat.tap('thandi', 'No');
    expect(w.app.services.catalog.article('tb-cough-etiquette', 'en')).toBeDefined();

    const list = allText(await w.chat.tap('thandi', 'Content versions'));
    expect(list).toContain('Content versions, newest first');
    // Newest first; the repository's content is version 1.
    expect(list).toMatch(/1\. Version 2 · .+ · Thandi · live now\n2\. Version 1 · .+ · repository/);
    expect(list).toContain('2: files +1 ~0 -0 · "Coughs on visits"');

    const details = allText(await w.chat.tap('thandi', 'Version 1 ·'));
    expect(details).toContain('Version 1\n');
    expect(details).toContain('by repository');
    expect(details).toContain('Roll back to version 1');
    const two = allText(await w.chat.tap('thandi', '◀ Back'));
    expect(two).toContain('Version 2 ·');
    expect(allText(await w.chat.tap('thandi', 'Version 2 ·'))).toMatch(
      /Version 2 \(live now\)[\s\S]*Note: Coughs on visits[\s\S]*Files added: 1, changed: 0, removed: 0\n\+ library\/tb\/tb-cough-etiquette\.en\.yaml/,
    );
    expect(w.chat.lastChoices('thandi').map((c) => c.label)).toEqual(['◀ Back']);

    // Two taps from the list: the version, then "Roll back".
    await w.chat.tap('thandi', '◀ Back');
    await w.chat.tap('thandi', 'Version 1 ·');
    const rolled = allText(await w.chat.tap('thandi', 'Roll back to version 1'));
    expect(rolled).toContain('The content of version 1 is live again for everyone, as version 3.');
    expect(w.app.services.catalog.article('tb-cough-etiquette', 'en')).toBeUndefined();
    const history = await w.app.services.publishing.history();
    expect(history.at(-1)).toMatchObject({ version: 3, rollbackOf: 1, current: true });
    expect(allText(await w.chat.tap('thandi', 'Content versions'))).toMatch(
      /Version 3 · .+ · Thandi · live now/,
    );
    expect(allText(await w.chat.tap('thandi', 'Version 3 ·'))).toContain('A rollback to version 1');
    await w.app.close();
  }, 60_000);

  it('mentors have no content versions', async () => {
    const w = await publishingWorld();
    await w.join('zodwa', 'mentor', 'Zodwa');
    const menu = allText(await w.chat.text('zodwa', '/menu'));
    expect(menu).not.toContain('Content versions');
    expect(menu).not.toContain('Publish content');
    expect(allText(await w.chat.text('zodwa', '/publish'))).toContain('I do not know the command /publish');
    await w.app.close();
  });
});
