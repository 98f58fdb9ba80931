import { money } from '../../src/core/index.js';
import {
  OTHER_SECRET,
  signedNotification,
  TEST_SECRET,
  testAccount,
} from '../../src/gateways/standard-webhooks/fixtures.js';
import { standardWebhooks } from '../../src/gateways/standard-webhooks/index.js';
import { testGatewayContract } from './gateway.contract.js';

testGatewayContract({
  adapter: standardWebhooks,
  account: testAccount,
  statuses: {
    succeeded: 'captured',
    authorized: 'authorized',
    failed: 'refused',
    canceled: 'cancelled',
    expired: 'expired',
    refunded: 'refunded',
  },
  signedNotification,
  secret: TEST_SECRET,
  signedWithOtherKey: (request, status) => signedNotification(request, status, OTHER_SECRET),
  amount: money(1250, 'EUR'),
});
