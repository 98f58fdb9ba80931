import { PermanentJobError, type TaskDefinition } from '../jobs/worker.js';
import { findEvent } from '../store/repos/events.js';
import type { Engine } from './engine.js';

/**
 * Runs the in-code handlers of one event. A handler that throws makes the whole job retry later,
 * so handlers that already ran run again: like webhooks, handlers must be idempotent (use the
 * event id).
 */
export function runHandlersTask(engine: Engine): TaskDefinition {
  return {
    async run(job) {
      const { eventId } = job.payload as { eventId?: string };
      if (!eventId) throw new PermanentJobError('job payload names no event');
      const event = await findEvent(engine.store.db, eventId);
      if (!event) throw new PermanentJobError(`event ${eventId} does not exist`);
      for (const handler of engine.handlers.for(event.type)) await handler(event);
    },
  };
}
