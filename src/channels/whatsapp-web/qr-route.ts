import { createHash, timingSafeEqual } from 'node:crypto';
import type { Hono } from 'hono';
import QRCode from 'qrcode';

export const WHATSAPP_QR_PATH = '/admin/whatsapp-qr';

export interface WhatsappQrOptions {
  /** ADMIN_TOKEN; without it the route is not mounted (404). */
  adminToken: string | undefined;
  /** The QR code waiting to be scanned (WhatsappWebChannel.latestQr), or null. */
  latestQr: () => string | null;
}

/** Compares digests, so neither the content nor the length of the token leaks through timing. */
function sameToken(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * GET /admin/whatsapp-qr with `Authorization: Bearer <ADMIN_TOKEN>`: the whatsapp-web.js QR code as a PNG while the
 * phone is not linked (200), 204 when there is none (linked, or not started yet), 401 without the right token.
 */
export function mountWhatsappQr(http: Hono, options: WhatsappQrOptions): void {
  const { adminToken } = options;
  if (!adminToken) return;
  http.get(WHATSAPP_QR_PATH, async (c) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    if (!match?.[1] || !sameToken(match[1], adminToken)) {
      c.header('WWW-Authenticate', 'Bearer');
      return c.json({ error: 'unauthorized' }, 401);
    }
    c.header('Cache-Control', 'no-store');
    const qr = options.latestQr();
    if (!qr) return c.body(null, 204);
    const png = await QRCode.toBuffer(qr, { type: 'png', margin: 2, width: 360 });
    return c.body(new Uint8Array(png), 200, { 'Content-Type': 'image/png' });
  });
}
