import { describe, expect, it } from 'vitest';
import { issueLinkCode, LINK_TTL_MS, linkCodeOwner, redeemLinkCode } from '../../src/accounts/link.js';
import type { User } from '../../src/accounts/types.js';
import { LowdbStore } from '../../src/store/lowdb/lowdb-store.js';
import { type AuditRecord, ConflictError } from '../../src/store/port.js';
import { UnitOfWork } from '../../src/store/unit-of-work.js';
import { SeededIds, tempDataDir } from '../support/fakes.js';

const AT = new Date('2026-11-02T08:00:00.000Z');

const thandi: User = {
  id: 'u1',
  role: 'mentor',
  name: 'Thandi',
  lang: 'en',
  teamId: null,
  active: true,
  addresses: ['telegram:1'],
  lastAddress: 'telegram:1',
  createdAt: AT.toISOString(),
  invitedBy: null,
};

async function withCode() {
  const store = await LowdbStore.open({ dataDir: tempDataDir(), lock: true });
  await store.users.put(thandi);
  const issued = await issueLinkCode(store, thandi.id, new SeededIds().bytes(8), AT);
  if (!issued) throw new Error('no code');
  return { store, code: issued.code };
}

describe('link codes', () => {
  it('joins another chat to her account once, typed in any case and spacing, with an audit record', async () => {
    const { store, code } = await withCode();
    expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    const typed = ` ${code.toLowerCase().replace('-', ' ')} `;
    const unit = new UnitOfWork(store);
    const linked = await redeemLinkCode(unit, typed, 'whatsapp-cloud:27', 'whatsapp-cloud', AT);
    expect(linked).toMatchObject({ id: 'u1', addresses: ['telegram:1', 'whatsapp-cloud:27'], link: null });
    expect(await store.users.byAddress('whatsapp-cloud:27')).toBeUndefined();
    await unit.commit();
    expect((await store.users.byAddress('whatsapp-cloud:27'))?.id).toBe('u1');
    expect(await redeemLinkCode(store, code, 'webchat:x', 'webchat', AT)).toBeNull();
    const audit = await store.journal<AuditRecord>('audit').query();
    expect(audit.map((a) => a.action)).toEqual(['user.channel_linked']);
    await store.close();
  });

  it('expires, and is refused for a deactivated account', async () => {
    const { store, code } = await withCode();
    expect(await linkCodeOwner(store, code, new Date(AT.getTime() + LINK_TTL_MS))).toBeUndefined();
    expect((await linkCodeOwner(store, code, AT))?.id).toBe('u1');
    await store.users.put({ ...((await store.users.get('u1')) as User), active: false });
    expect(await linkCodeOwner(store, code, AT)).toBeUndefined();
    expect(await issueLinkCode(store, 'u1', new SeededIds().bytes(8), AT)).toBeNull();
    await store.close();
  });

  it('works for one of two chats racing with the same code', async () => {
    const { store, code } = await withCode();
    const a = new UnitOfWork(store);
    const b = new UnitOfWork(store);
    expect(await redeemLinkCode(a, code, 'webchat:a', 'webchat', AT)).not.toBeNull();
    expect(await redeemLinkCode(b, code, 'webchat:b', 'webchat', AT)).not.toBeNull();
    await a.commit();
    await expect(b.commit()).rejects.toBeInstanceOf(ConflictError);
    expect((await store.users.get('u1'))?.addresses).toEqual(['telegram:1', 'webchat:a']);
    await store.close();
  });
});
