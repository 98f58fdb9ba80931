import type { EventType } from '../core/effects.js';
import type { EventRecord } from '../store/repos/events.js';

/** A shop's code run for an event in library mode; throwing makes the job retry later. */
export type EventHandler = (event: EventRecord) => void | Promise<void>;

/** Handlers registered in code (`onPaid`, `onFailed`…), run by the worker through the same queue. */
export class EventHandlers {
  readonly #byType = new Map<EventType, EventHandler[]>();

  on(type: EventType, handler: EventHandler): this {
    this.#byType.set(type, [...(this.#byType.get(type) ?? []), handler]);
    return this;
  }

  has(type: string): boolean {
    return (this.#byType.get(type as EventType)?.length ?? 0) > 0;
  }

  for(type: string): readonly EventHandler[] {
    return this.#byType.get(type as EventType) ?? [];
  }
}
