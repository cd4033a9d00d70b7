import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInvite } from '../../../src/accounts/invites.js';
import { createTeam } from '../../../src/accounts/teams.js';
import type { Role, User } from '../../../src/accounts/types.js';
import type { OutMessage } from '../../../src/core/messages.js';
import { contentDir } from '../../../src/paths.js';
import { allText, ChatDriver } from '../../support/chat-driver.js';
import { makeTestApp } from '../../support/fakes.js';

export type TestApp = Awaited<ReturnType<typeof makeTestApp>>;

/** A file of the repository's content, as a trainer would download it. */
export const contentFile = (path: string): string => readFileSync(join(contentDir, path), 'utf8');

/** A new English TB article with two sections, as a trainer would write it. */
export const NEW_ARTICLE = `id: tb-cough-etiquette
schemaVersion: 1
kind: article
lang: en
topic: tb
title: Cough etiquette at home visits
summary: How a Mentor Mother protects herself and the family from TB during a home visit.
sources:
  - title: Tuberculosis fact sheet
    publisher: World Health Organization
    year: 2025
    url: https://www.who.int/news-room/fact-sheets/detail/tuberculosis
review:
  status: draft
  by: null
  date: null
  checks: []
sections:
  - id: windows
    heading: Open the windows before you sit down
    body: >-
      TB germs hang in still air. Before you sit down in a client's home, ask to open a window or the door, and sit
      near it. Fresh air carries the germs away.
  - id: cover
    heading: Cover every cough
    body: >-
      Show the family how to cough into the elbow or a tissue, and to throw tissues away at once. A person on TB
      treatment for two weeks or more is much less likely to pass TB on.
`;

/**
 * A running test app with people in it: `join` registers someone through the chat (an invite code, her language,
 * her name), `upload` sends a document from her chat, and the driver records every reply and push.
 */
export async function publishingWorld(options: { approval?: 'clinical' | 'all' } = {}) {
  const app = await makeTestApp(options.approval ? { env: { CONTENT_APPROVAL: options.approval } } : {});
  const chat = new ChatDriver(app);
  const store = app.services.store;
  const team = await createTeam(store, app.services, null, 'Soweto', 'ZA');

  async function join(
    ref: string,
    role: Role,
    name: string,
    opts: { language?: string; clinician?: boolean } = {},
  ): Promise<User> {
    const teamId = role === 'mentor' || role === 'supervisor' ? team.id : null;
    const invite = await createInvite(store, app.services, null, role, teamId, {
      clinician: opts.clinician === true,
    });
    await chat.text(ref, invite.code);
    await chat.tap(ref, opts.language ?? 'English');
    await chat.text(ref, name);
    const user = await store.users.byAddress(`cli:${ref}`);
    if (!user) throw new Error(`${name} did not register`);
    return user;
  }

  /** A document from her chat; `read` may be replaced to fail, or to count that it was read. */
  function upload(
    ref: string,
    name: string,
    text: string,
    opts: { size?: number; read?: () => Promise<Uint8Array> } = {},
  ): Promise<OutMessage[]> {
    const bytes = new TextEncoder().encode(text);
    return chat.receive(
      ref,
      {
        kind: 'document',
        name,
        mime: 'application/octet-stream',
        size: opts.size ?? bytes.length,
        read: opts.read ?? (async () => bytes),
      },
      crypto.randomUUID(),
    );
  }

  /** What was pushed to someone (not replies to her own messages), as text. */
  const pushedTo = (ref: string, since: number): string[] =>
    chat.log
      .slice(since)
      .filter((e) => e.to === ref)
      .map((e) => allText([e.message]));

  return { app, chat, store, team, join, upload, pushedTo };
}
