import { dialectsUnderTest } from '../support/dialects.js';
import { testQueueContract } from './queue.contract.js';

for (const dialect of await dialectsUnderTest()) {
  testQueueContract(dialect.name, () => dialect.open());
}
