import { describe, expect, it } from 'vitest';
import { DocumentTooLargeError } from '../../../src/channels/inbound-document.js';
import { UPLOAD_LIMITS } from '../../../src/content/versions/limits.js';
import { allText } from '../../support/chat-driver.js';
import { contentFile, NEW_ARTICLE, publishingWorld } from './world.js';

describe('publishing content through the chat', () => {
  it('a new article: preview, a note, live for everyone at once, found by search, mentors told in their language', async () => {
    const w = await publishingWorld();
    const { chat } = w;
    await w.join('thandi', 'trainer', 'Thandi');
    await w.join('amina', 'mentor', 'Amina', { language: 'Kiswahili' });
    await w.join('zodwa', 'mentor', 'Zodwa');

    expect(allText(await chat.tap('thandi', 'Publish content'))).toContain('Send me the content file');
    const preview = allText(await w.upload('thandi', 'tb-cough-etiquette.en.yaml', NEW_ARTICLE));
    expect(preview).toContain('Cough etiquette at home visits');
    expect(preview).toContain('Publish now');
    expect(preview).not.toContain("Send for a clinician's approval");
    // Nothing is live before she confirms.
    expect(w.app.services.catalog.article('tb-cough-etiquette', 'en')).toBeUndefined();

    expect(allText(await chat.tap('thandi', 'Publish now'))).toContain('Why this change?');
    const live = allText(await chat.text('thandi', 'New article on coughs during visits'));
    // How many passages were embedded depends on whether the model had loaded yet: the number the publisher gives.
    expect(live).toMatch(/Version 2 is live for everyone\. Passages prepared for search: [02]\./);
    expect(live).toContain('Tell mentors about it?');
    // Live without a restart: the catalog and search see it.
    expect(w.app.services.catalog.article('tb-cough-etiquette', 'en')?.item.title).toBe(
      'Cough etiquette at home visits',
    );
    const found = await w.app.services.search.search(
      'open a window and cough into the elbow on a home visit',
      'en',
    );
    expect(found.hits.map((h) => h.passage.item)).toContain('tb-cough-etiquette');
    const history = await w.app.services.publishing.history();
    expect(history.at(-1)).toMatchObject({ version: 2, note: 'New article on coughs during visits' });

    const before = chat.log.length;
    expect(allText(await chat.tap('thandi', 'Yes, tell mentors'))).toContain(
      'Sending the news to mentors: 2.',
    );
    const toAmina = w.pushedTo('amina', before);
    // Her language, the English title marked as such (there is no Swahili text yet), one button.
    expect(toAmina).toEqual([
      expect.stringContaining('Mpya kwenye maktaba: Cough etiquette at home visits (kwa Kiingereza)'),
    ]);
    expect(w.pushedTo('zodwa', before)).toEqual([
      expect.stringContaining('New in the library: Cough etiquette at home visits\n1. Read it'),
    ]);

    // One tap on the pushed button opens the article, wherever she is.
    const button = chat.lastChoices('amina').find((c) => c.id.startsWith('@art:'));
    expect(button?.id).toBe('@art:tb-cough-etiquette');
    const article = allText(await chat.choice('amina', button?.id ?? ''));
    expect(article).toContain('Makala haya bado hayapo kwa Kiswahili');
    expect(article).toContain('Open the windows before you sit down');
    expect(article).toContain('Cover every cough');
    await w.app.close();
  }, 60_000);

  it('refuses before reading: a file too large, a kind it cannot hold; and a file it could not fetch', async () => {
    const w = await publishingWorld();
    await w.join('thandi', 'trainer', 'Thandi');
    await w.chat.text('thandi', '/publish');
    let reads = 0;
    const read = async () => {
      reads++;
      throw new Error('should not be read');
    };
    const big = allText(
      await w.upload('thandi', 'huge.yaml', '', { size: UPLOAD_LIMITS.fileBytes + 1, read }),
    );
    expect(big).toContain('"huge.yaml" is larger than 2 MB, so I did not read it. Nothing changed.');
    const zip = allText(await w.upload('thandi', 'huge.zip', '', { size: 50 * 1024 * 1024, read }));
    expect(zip).toContain('larger than 10 MB');
    expect(allText(await w.upload('thandi', 'photo.jpg', '', { read }))).toContain(
      'is not one of these, so I did not read it',
    );
    expect(reads).toBe(0);
    // A failed download: asked again, still on the same step.
    const failed = allText(await w.upload('thandi', 'x.yaml', 'x', { read }));
    expect(failed).toContain('I could not fetch the file. Please send it again.');
    expect(reads).toBe(1);
    // A channel that learns the size only while reading stops at the limit: the same refusal.
    const stopped = allText(
      await w.upload('thandi', 'big.zip', '', {
        size: 0,
        read: async () => {
          throw new DocumentTooLargeError(null, UPLOAD_LIMITS.zipBytes);
        },
      }),
    );
    expect(stopped).toContain('"big.zip" is larger than 10 MB, so I did not read it. Nothing changed.');
    expect((await w.app.services.publishing.history()).length).toBeLessThanOrEqual(1);
    await w.app.close();
  });

  it('an invalid upload: every error in her language with file and line, then she sends it again fixed', async () => {
    const w = await publishingWorld();
    await w.join('joana', 'trainer', 'Joana', { language: 'Português' });
    const broken = NEW_ARTICLE.replace('topic: tb\n', 'topic: tb\nsurprise: yes\n').replace(
      'title: Cough etiquette at home visits',
      `title: ${'x'.repeat(130)}`,
    );
    const replies = allText(await w.upload('joana', 'tb-cough-etiquette.en.yaml', broken));
    expect(replies).toContain('Encontrei problemas no ficheiro, por isso nada mudou:');
    expect(replies).toMatch(/library\/tb\/tb-cough-etiquette\.en\.yaml.*linha \d+/);
    expect(replies).toContain('corrija-os e envie o ficheiro de novo');
    expect(w.app.services.catalog.article('tb-cough-etiquette', 'en')).toBeUndefined();
    // Still waiting for the file: the fixed one goes straight to the preview.
    const fixed = allText(await w.upload('joana', 'tb-cough-etiquette.en.yaml', NEW_ARTICLE));
    expect(fixed).toContain('Publicar agora');
    expect(allText(await w.chat.tap('joana', 'Cancelar'))).toContain('Cancelado. Nada mudou.');
    expect(w.app.services.catalog.article('tb-cough-etiquette', 'en')).toBeUndefined();
    await w.app.close();
  });

  it('the same content again: nothing to publish', async () => {
    const w = await publishingWorld();
    await w.join('thandi', 'trainer', 'Thandi');
    const same = contentFile('library/tb/tb-myths.en.yaml');
    expect(allText(await w.upload('thandi', 'tb-myths.en.yaml', same))).toContain(
      'The live content already holds exactly this',
    );
    await w.app.close();
  });

  it('a mentor who sends a file is told politely that only trainers publish, and nothing is read', async () => {
    const w = await publishingWorld();
    await w.join('zodwa', 'mentor', 'Zodwa');
    let read = false;
    const replies = allText(
      await w.upload('zodwa', 'tb-cough-etiquette.en.yaml', NEW_ARTICLE, {
        read: async () => {
          read = true;
          return new Uint8Array();
        },
      }),
    );
    expect(replies).toContain('Only trainers publish content files');
    expect(read).toBe(false);
    expect(w.app.services.catalog.article('tb-cough-etiquette', 'en')).toBeUndefined();
    await w.app.close();
  });
});
