import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore } from '../../src/store/db.js';
import { testQueueContract } from './queue.contract.js';

testQueueContract('sqlite (file, WAL)', async () =>
  createStore(`sqlite:${join(mkdtempSync(join(tmpdir(), 'quittance-queue-')), 'q.db')}`),
);
