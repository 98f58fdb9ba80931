import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { autoSubmitPage, errorPage, escapeHtml, shopperForm } from './html.js';

describe('simulator html', () => {
  it('escapes the five HTML-special characters', () => {
    assert.equal(
      escapeHtml(`<a href="x">'&'</a>`),
      '&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;',
    );
  });

  it('escapes what a page shows: error text, the return form, the shopper form', () => {
    assert.match(errorPage('<t>', '<m>'), /<title>&#60;t&#62;<\/title>.*<p>&#60;m&#62;<\/p>/);
    const back = autoSubmitPage('Back', 'https://shop/"r"', { 'a"': '<v>' });
    assert.match(back, /action="https:\/\/shop\/&#34;r&#34;"/);
    assert.match(back, /name="a&#34;" value="&#60;v&#62;"/);
    const form = shopperForm({
      action: '/pay',
      txn: 't1',
      faultKinds: ['drop', 'delay'],
      scenarios: ['paid', 'refused'],
      labels: { paid: 'Pay <now>' },
    });
    assert.match(form, /value="drop"/);
    assert.doesNotMatch(form, /type="checkbox" name="fault" value="delay"/);
    assert.match(
      form,
      /value="paid">Pay &#60;now&#62;<\/button> <button type="submit" name="scenario" value="refused">refused</,
    );
  });
});
