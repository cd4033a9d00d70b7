import { z } from 'zod';

/**
 * The webhook body Meta posts for the WhatsApp Cloud API ("messages" field): messages a person sends, statuses of
 * what the bot sent, and the sender's contact. Only what the bot reads is described; unknown fields are dropped
 * (zod strips them), never refused, since Meta adds fields over time.
 */

const media = z.object({
  id: z.string().min(1),
  mime_type: z.string().optional(),
  sha256: z.string().optional(),
  caption: z.string().optional(),
});

export const waMessageSchema = z.object({
  /** The sender's WhatsApp id (phone number); may be missing for future username-only senders. */
  from: z.string().min(1).optional(),
  id: z.string().min(1),
  /** Unix seconds, as a string. */
  timestamp: z.string().optional(),
  type: z.string(),
  text: z.object({ body: z.string() }).optional(),
  interactive: z
    .object({
      type: z.string(),
      button_reply: z.object({ id: z.string(), title: z.string().optional() }).optional(),
      list_reply: z
        .object({ id: z.string(), title: z.string().optional(), description: z.string().optional() })
        .optional(),
    })
    .optional(),
  /** A tap on a quick-reply button of a template message. */
  button: z.object({ payload: z.string().optional(), text: z.string().optional() }).optional(),
  document: media.extend({ filename: z.string().optional() }).optional(),
  image: media.optional(),
  audio: media.extend({ voice: z.boolean().optional() }).optional(),
  video: media.optional(),
  sticker: media.extend({ animated: z.boolean().optional() }).optional(),
  location: z.object({}).optional(),
  contacts: z.array(z.unknown()).optional(),
});

export const waStatusSchema = z.object({
  /** The id Graph gave the message when the bot sent it. */
  id: z.string().min(1),
  status: z.string(),
  timestamp: z.string().optional(),
  recipient_id: z.string().optional(),
  errors: z.array(z.object({ code: z.number().optional(), title: z.string().optional() })).optional(),
});

export const waContactSchema = z.object({
  wa_id: z.string().optional(),
  profile: z.object({ name: z.string().optional() }).optional(),
});

export const waMessagesValueSchema = z.object({
  messaging_product: z.string().optional(),
  metadata: z.object({ phone_number_id: z.string().optional() }).optional(),
  contacts: z.array(waContactSchema).optional(),
  messages: z.array(waMessageSchema).optional(),
  statuses: z.array(waStatusSchema).optional(),
});

/**
 * The envelope. Changes of other fields (template status updates, account updates...) share it with values of
 * their own shape, so a change's value is only checked when its field is "messages" (see parseWebhook).
 */
export const waWebhookSchema = z.object({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(
    z.object({
      id: z.string().optional(),
      changes: z.array(z.object({ field: z.string(), value: z.unknown() })),
    }),
  ),
});

export type WaMessage = z.infer<typeof waMessageSchema>;
export type WaStatus = z.infer<typeof waStatusSchema>;
export type WaMessagesValue = z.infer<typeof waMessagesValueSchema>;

export type ParsedWebhook = { ok: true; values: WaMessagesValue[] } | { ok: false; problem: string };

/** Checks a webhook body (already JSON-decoded) and returns its "messages" change values, in order. */
export function parseWebhook(json: unknown): ParsedWebhook {
  const envelope = waWebhookSchema.safeParse(json);
  if (!envelope.success) return { ok: false, problem: z.prettifyError(envelope.error) };
  const values: WaMessagesValue[] = [];
  for (const entry of envelope.data.entry) {
    for (const change of entry.changes) {
      if (change.field !== 'messages') continue;
      const value = waMessagesValueSchema.safeParse(change.value);
      if (!value.success) return { ok: false, problem: z.prettifyError(value.error) };
      values.push(value.data);
    }
  }
  return { ok: true, values };
}
