import { EventEmitter } from 'node:events';

/**
 * In-process signals between use cases, emitted only AFTER a commit: a payment changed (long-polls
 * wake up), jobs were enqueued (the worker wakes up). Other instances learn the same through the
 * database, by polling; this only makes the common single-process case prompt.
 */
export class EngineBus {
  readonly #emitter = new EventEmitter().setMaxListeners(0);

  paymentChanged(paymentId: string): void {
    this.#emitter.emit('payment', paymentId);
  }

  jobsEnqueued(): void {
    this.#emitter.emit('jobs');
  }

  onPaymentChanged(listener: (paymentId: string) => void): () => void {
    this.#emitter.on('payment', listener);
    return () => this.#emitter.off('payment', listener);
  }

  onJobsEnqueued(listener: () => void): () => void {
    this.#emitter.on('jobs', listener);
    return () => this.#emitter.off('jobs', listener);
  }
}
