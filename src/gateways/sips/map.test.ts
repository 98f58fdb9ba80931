import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { mapSipsResponse, SIPS_RESPONSE_MAP } from './map.js';

describe('Sips responseCode map', () => {
  it('maps every documented code as the table says', () => {
    const expected: Record<string, string> = {
      '00': 'captured',
      '60': 'pending',
      '17': 'cancelled',
      '97': 'expired',
      '02': 'refused',
      '05': 'refused',
      '11': 'refused',
      '14': 'refused',
      '25': 'refused',
      '34': 'refused',
      '51': 'refused',
      '54': 'refused',
      '63': 'refused',
      '75': 'refused',
      '03': 'error',
      '12': 'error',
      '24': 'error',
      '30': 'error',
      '40': 'error',
      '90': 'error',
      '94': 'error',
      '99': 'error',
    };
    assert.deepEqual({ ...SIPS_RESPONSE_MAP }, expected);
    for (const [code, status] of Object.entries(expected)) {
      assert.equal(mapSipsResponse(code, 'AUTHOR_CAPTURE', '0').status, status, code);
    }
  });

  it('reads 00 by captureMode', () => {
    assert.deepEqual(mapSipsResponse('00', 'AUTHOR_CAPTURE', '0'), { status: 'captured' });
    assert.deepEqual(mapSipsResponse('00', 'IMMEDIATE'), { status: 'captured' });
    assert.deepEqual(mapSipsResponse('00', 'VALIDATION', '3'), { status: 'authorized' });
    const deferred = mapSipsResponse('00', 'AUTHOR_CAPTURE', '5');
    assert.equal(deferred.status, 'captured');
    assert.match(deferred.note ?? '', /5 day/);
    assert.match(mapSipsResponse('00').note ?? '', /captureMode/);
    assert.equal(mapSipsResponse('00', 'WHATEVER').status, 'captured');
    assert.equal(mapSipsResponse('17', 'VALIDATION').status, 'cancelled');
  });

  it('never throws on an unknown code: refused, with a note', () => {
    fc.assert(
      fc.property(fc.string(), (code) => {
        const mapped = mapSipsResponse(code);
        if (!Object.hasOwn(SIPS_RESPONSE_MAP, code)) {
          assert.equal(mapped.status, 'refused');
          assert.ok(mapped.note);
        }
      }),
    );
  });
});
