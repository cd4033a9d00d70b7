import { randomBytes, randomUUID } from 'node:crypto';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Ids and codes; a seeded fake makes tests repeatable. */
export interface Ids {
  /** An opaque record id. */
  id(): string;
  /** Random bytes for codes (invite codes, web chat tokens). */
  bytes(n: number): Uint8Array;
}

export const randomIds: Ids = {
  id: () => randomUUID(),
  bytes: (n) => randomBytes(n),
};
