/**
 * Names of the failures that retrying cannot fix. Activities throw errors with
 * these names; retry policies list them as non-retryable, so such a failure
 * fails its step at once and never the worker.
 */
export const DOMAIN_ERROR_TYPES = [
  'CalendarConflictError',
  'MeetingNotFoundError',
  'AmbiguousMeetingError',
  'NoAvailabilityError',
  'ReminderInPastError',
  'InvalidStepError',
  'AutomationRejectedError',
  'WebhookRefusedError',
  'ProviderConnectionError',
  'MessageRejectedError',
] as const;

export type DomainErrorType = (typeof DOMAIN_ERROR_TYPES)[number];
