import type { PersonReference, PlannedStep } from './planner';

/** Addresses that pass validation where a named person's will go, to check a plan's shape before the lookup. */
export const STAND_IN_ADDRESS: Record<PersonReference['kind'], string> = {
  email: 'contact@example.com',
  phone: '+15550100000',
};

/**
 * A copy of `actions` with each person's address put where the planner left
 * room for it. `addressOf` gives the address of the i-th person.
 */
export function withAddresses(
  actions: readonly PlannedStep[],
  people: readonly PersonReference[],
  addressOf: (person: PersonReference, index: number) => string,
): PlannedStep[] {
  const copy = actions.map((a) => ({ ...a, params: structuredClone(a.params) }));
  people.forEach((person, i) => {
    const step = copy[person.step];
    if (!step) return;
    const address = addressOf(person, i);
    const params = step.params;
    if (person.field === 'match.attendee') {
      params.match = {
        ...(params.match as Record<string, unknown> | undefined),
        attendee: address,
      };
    } else if (step.type === 'initiate_call') {
      params.to = address;
    } else {
      const list = Array.isArray(params[person.field]) ? (params[person.field] as unknown[]) : [];
      if (!list.includes(address)) params[person.field] = [...list, address];
    }
  });
  return copy;
}
