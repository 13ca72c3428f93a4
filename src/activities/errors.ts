import { ApplicationFailure } from '@temporalio/common';
import type { DomainErrorType } from '../plan/domain-errors';

/**
 * A failure that retrying cannot fix. The SDK reports an error's class name as
 * its failure type, and the retry policies list these names as non-retryable.
 */
export class DomainError extends Error {}

export class CalendarConflictError extends DomainError {}
export class MeetingNotFoundError extends DomainError {}
export class AmbiguousMeetingError extends DomainError {}
export class NoAvailabilityError extends DomainError {}
export class ReminderInPastError extends DomainError {}
export class InvalidStepError extends DomainError {}
/** The webhook answered that it will not take the request (a final 4xx, a redirect, an oversized answer). */
export class AutomationRejectedError extends DomainError {}
/** Errand would not call the webhook: its URL, or an address it resolves to, is against the network policy. */
export class WebhookRefusedError extends DomainError {}
/**
 * The tenant's provider cannot be used: no connection, or the provider refused
 * its credentials. The message says how to fix it; retrying cannot.
 */
export class ProviderConnectionError extends DomainError {}
/** The provider refused the message itself (a 4xx other than auth and throttling); its words are in the message. */
export class MessageRejectedError extends DomainError {}

/** Keeps DOMAIN_ERROR_TYPES and the classes in step: a missing or extra name fails to compile. */
export const DOMAIN_ERRORS: Record<DomainErrorType, typeof DomainError> = {
  CalendarConflictError,
  MeetingNotFoundError,
  AmbiguousMeetingError,
  NoAvailabilityError,
  ReminderInPastError,
  InvalidStepError,
  AutomationRejectedError,
  WebhookRefusedError,
  ProviderConnectionError,
  MessageRejectedError,
};

/**
 * Postgres refused an audit write for what it contains (a data error, a
 * missing row): retrying cannot fix it, so the plan ends failed instead.
 * Not a step's domain error: its name is listed only in AUDIT_OPTIONS.
 */
export class AuditWriteRefusedError extends Error {}

/**
 * The provider asked Errand to slow down (429): retried, no sooner than
 * `retryAfterMs`, which the caller bounds. A Temporal failure so the delay reaches the retry.
 */
export function providerThrottled(message: string, retryAfterMs: number): ApplicationFailure {
  return ApplicationFailure.create({
    type: 'ProviderThrottledError',
    message,
    nonRetryable: false,
    nextRetryDelay: retryAfterMs,
  });
}

/** The provider failed on its side (5xx, no answer): retried under the step's policy. */
export class ProviderUnavailableError extends Error {}
