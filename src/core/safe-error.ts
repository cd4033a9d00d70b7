/**
 * An error as it may appear in a log: its type, a short message and where it came from. Never the whole object:
 * library errors carry request payloads (a Telegram error holds the message text and the chat id), and a logger
 * serialises every field it finds.
 */
export function safeError(error: unknown): { type: string; message?: string; stack?: string } {
  if (!(error instanceof Error)) return { type: typeof error };
  return {
    type: error.name,
    message: error.message.slice(0, 300),
    ...(error.stack ? { stack: error.stack.split('\n').slice(1, 8).join('\n') } : {}),
  };
}
