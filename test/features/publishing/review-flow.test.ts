import { describe, expect, it } from 'vitest';
import { allText } from '../../support/chat-driver.js';
import { contentFile, publishingWorld } from './world.js';

/** South Africa's file with the ambulance number changed: a change only a clinician may let go live. */
const newAmbulance = (): string =>
  contentFile('countries/za.yaml').replace('number: "10177"', 'number: "112"');

const ambulance = (w: Awaited<ReturnType<typeof publishingWorld>>) =>
  w.app.services.countries.get('ZA')?.numbers.find((n) => n.kind === 'ambulance')?.number;

/** Thandi proposes the new ambulance number and confirms it with a note; it waits for a clinician. */
async function propose(w: Awaited<ReturnType<typeof publishingWorld>>): Promise<string> {
  const preview = allText(await w.upload('thandi', 'za.yaml', newAmbulance()));
  expect(preview).toContain('10177');
  expect(preview).toContain('a clinician must approve it before it goes live');
  expect(allText(await w.chat.tap('thandi', "Send for a clinician's approval"))).toContain(
    'Why this change?',
  );
  return allText(await w.chat.text('thandi', 'The province asks for 112'));
}

describe('clinicians approve content in the chat', () => {
  it('a new emergency number waits for a clinician, who opens it from her push and approves it; the trainer hears', async () => {
    const w = await publishingWorld();
    await w.join('thandi', 'trainer', 'Thandi');
    await w.join('nomsa', 'trainer', 'Nomsa', { language: 'Português', clinician: true });
    await w.join('lindiwe', 'trainer', 'Lindiwe');

    const before = w.chat.log.length;
    const waiting = await propose(w);
    expect(waiting).toContain("Waiting for a clinician's approval. I will tell you when it is decided.");
    expect(waiting).not.toContain('No one has the clinician permission');
    expect(ambulance(w)).toBe('10177');
    // Only the clinician is asked, in her language, with a button that opens the change.
    expect(w.pushedTo('nomsa', before)).toEqual([
      expect.stringContaining('Uma alteração de conteúdo espera a sua aprovação, de Thandi'),
    ]);
    expect(w.pushedTo('lindiwe', before)).toEqual([]);
    const open = w.chat.lastChoices('nomsa')[0];
    expect(open?.id).toMatch(/^@rev:/);

    const review = allText(await w.chat.choice('nomsa', open?.id ?? ''));
    expect(review).toContain('De Thandi');
    expect(review).toContain('Porquê: The province asks for 112');
    expect(review).toContain('Aprovar e publicar');
    const decided = w.chat.log.length;
    const approved = allText(await w.chat.tap('nomsa', 'Aprovar e publicar'));
    expect(approved).toContain('A versão 2 está disponível para todos');
    expect(approved).toContain('O formador foi avisado.');
    expect(ambulance(w)).toBe('112');
    expect(w.pushedTo('thandi', decided)).toEqual([
      expect.stringContaining('Nomsa approved your content change (South Africa). It is live as version 2.'),
    ]);
    // The history names who approved it.
    await w.chat.text('thandi', '/menu');
    expect(allText(await w.chat.tap('thandi', 'Content versions'))).toMatch(
      /2: files \+0 ~1 -0 · "The province asks for 112" · Approved by Nomsa/,
    );
    // The button again, after the decision: said plainly, nothing changes.
    expect(allText(await w.chat.choice('nomsa', open?.id ?? ''))).toContain('já não espera aprovação');
    await w.app.close();
  }, 60_000);

  it('four eyes: a clinician who proposes a change cannot approve it herself; another clinician does', async () => {
    const w = await publishingWorld();
    await w.join('thandi', 'trainer', 'Thandi', { clinician: true });
    const alone = await propose(w);
    expect(alone).toContain('No other clinician can approve your change yet');
    // Opening her own change offers no approval, and a forged tap changes nothing.
    await w.chat.text('thandi', '/menu');
    expect(allText(await w.chat.tap('thandi', 'Content to approve'))).toContain('Content changes waiting');
    const own = allText(await w.chat.tap('thandi', 'South Africa'));
    expect(own).toContain('You proposed this change, so another clinician approves it');
    expect(own).not.toContain('Approve and publish');
    await w.chat.choice('thandi', 'rev.ok');
    expect(ambulance(w)).toBe('10177');

    await w.join('nomsa', 'trainer', 'Nomsa', { clinician: true });
    expect(allText(await w.chat.tap('nomsa', 'Content to approve'))).toContain('Content changes waiting');
    await w.chat.tap('nomsa', 'South Africa');
    expect(allText(await w.chat.tap('nomsa', 'Approve and publish'))).toContain(
      'Version 2 is live for everyone',
    );
    expect(ambulance(w)).toBe('112');
    await w.app.close();
  }, 60_000);

  it('a rejected change: the trainer hears why, and nothing changes', async () => {
    const w = await publishingWorld();
    await w.join('thandi', 'trainer', 'Thandi');
    await w.join('nomsa', 'admin', 'Nomsa', { clinician: true });
    await propose(w);
    await w.chat.text('nomsa', '/menu');
    expect(allText(await w.chat.tap('nomsa', 'Content to approve'))).toContain(
      'Content changes waiting for your approval: 1.',
    );
    expect(allText(await w.chat.tap('nomsa', 'Thandi'))).toContain('Approve and publish this change?');
    expect(allText(await w.chat.tap('nomsa', 'Reject'))).toContain('Why do you reject it?');
    const before = w.chat.log.length;
    expect(allText(await w.chat.text('nomsa', '112 does not reach an ambulance everywhere yet'))).toContain(
      'Rejected. The trainer is told why, and nothing changed.',
    );
    expect(w.pushedTo('thandi', before)).toEqual([
      expect.stringContaining(
        'Nomsa did not approve your content change (South Africa). Reason: 112 does not reach an ambulance everywhere yet',
      ),
    ]);
    expect(ambulance(w)).toBe('10177');
    expect(await w.app.services.publishing.pending()).toEqual([]);
    await w.app.close();
  }, 60_000);

  it('without any clinician the trainer is told who can give the permission; others cannot open a review', async () => {
    const w = await publishingWorld();
    await w.join('thandi', 'trainer', 'Thandi');
    await w.join('zodwa', 'mentor', 'Zodwa');
    const waiting = await propose(w);
    expect(waiting).toContain('No one has the clinician permission yet');
    // Not in her menu, and the link does nothing for her.
    expect(allText(await w.chat.text('thandi', '/menu'))).not.toContain('Content to approve');
    const [pending] = await w.app.services.publishing.pending();
    const replies = allText(await w.chat.choice('zodwa', `@rev:${pending?.id}`));
    expect(replies).not.toContain('Approve and publish');
    expect(ambulance(w)).toBe('10177');
    await w.app.close();
  }, 60_000);

  it('approving reviewed items topic by topic: her name and the date in each review record, one new version', async () => {
    const w = await publishingWorld();
    await w.join('nomsa', 'supervisor', 'Nomsa', { clinician: true });
    const drafts = w.app.services.publishing.drafts().filter((d) => d.topic === 'tb');
    expect(drafts.length).toBeGreaterThan(1);
    const [first, second] = drafts;
    expect(allText(await w.chat.tap('nomsa', 'Content to approve'))).toContain('Approve reviewed items');
    expect(allText(await w.chat.tap('nomsa', 'Approve reviewed items'))).toContain('Draft items by topic');
    const item = allText(await w.chat.tap('nomsa', 'TB ('));
    expect(item).toContain(first?.title ?? '?');
    expect(item).toContain('Sources:');
    expect(allText(await w.chat.tap('nomsa', 'Approve'))).toContain(second?.title ?? '?');
    const done = allText(await w.chat.tap('nomsa', 'Finish and publish my approvals (1)'));
    expect(done).toContain('Items approved: 1.');
    expect(done).toContain('Version 2 is live for everyone');
    // The item approved is no longer a draft; the one after it still is.
    const still = w.app.services.publishing.drafts();
    const isDraft = (d: typeof first) =>
      still.some((x) => x.kind === d?.kind && x.id === d?.id && x.lang === d?.lang);
    expect(isDraft(first)).toBe(false);
    expect(isDraft(second)).toBe(true);
    const history = await w.app.services.publishing.history();
    expect(history.at(-1)?.version).toBe(2);
    // Readers see it as approved, with who and when; the next item still says it is a draft.
    // Readers see whether a clinician approved what they read, with who and when.
    expect(second?.kind).toBe('article');
    await w.join('amina', 'mentor', 'Amina');
    const draft = allText(await w.chat.choice('amina', `@art:${second?.id}`));
    expect(draft).toContain('Not yet approved by a clinician.');
    await w.app.services.publishing.approveItems([{ id: second?.id ?? '', lang: second?.lang ?? null }], {
      id: 'clinician',
      name: 'Nomsa',
    });
    const approved = allText(await w.chat.choice('amina', `@art:${second?.id}`));
    expect(approved).toMatch(/Approved by Nomsa \(clinician\), \d{4}-\d{2}-\d{2}\./);
    await w.app.close();
  }, 60_000);
});
