import type { TaskDefinition } from '../jobs/worker.js';
import { HANDLER_TASK } from './apply-signal.js';
import type { Engine } from './engine.js';
import { runHandlersTask } from './handlers-task.js';

/** Every task the worker knows, by name. */
export function engineTasks(engine: Engine): Record<string, TaskDefinition> {
  return {
    [HANDLER_TASK]: runHandlersTask(engine),
  };
}
