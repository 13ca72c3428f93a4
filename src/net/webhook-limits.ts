/** The longest webhook answer Errand reads; a longer one fails its step (a cut-off answer is no answer). */
export const WEBHOOK_MAX_RESPONSE_BYTES = 64 * 1024;
