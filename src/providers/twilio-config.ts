import { z } from 'zod';

/** Twilio's REST host; the client's own requests name it, and a connection's base_url stands in for it. */
export const TWILIO_API_ORIGIN = 'https://api.twilio.com';

/** What a Twilio connection keeps beside its auth token; nothing here is secret. */
export interface TwilioConfig {
  account_sid: string;
  /** The number (E.164) SMS and calls come from. */
  from: string;
  /** Another host for Twilio's REST API (a test's fake, a regional gateway); null: api.twilio.com. */
  base_url: string | null;
}

const stored = z.object({
  account_sid: z.string(),
  from: z.string(),
  base_url: z.string().nullable().default(null),
});

/** Reads a stored connection's config; undefined when it is not a Twilio one. */
export function readTwilioConfig(raw: unknown): TwilioConfig | undefined {
  const parsed = stored.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}
