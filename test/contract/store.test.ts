import { dialectsUnderTest } from '../support/dialects.js';
import { testStoreContract } from './store.contract.js';

for (const dialect of await dialectsUnderTest()) {
  testStoreContract(dialect.name, () => dialect.open());
}
