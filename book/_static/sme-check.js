// The EU SME check of section 1.1 (Recommendation 2003/361/EC). It reads the ceilings the page wrote
// from data/eu_sme_definition.csv (the JSON block #sme-thresholds) and applies the Recommendation's
// rule: the headcount test must be met, then the turnover test OR the balance-sheet test; the firm's
// class is the smallest category it meets, or "large". The same rule, in Python: analysis/firms/sme.py.
// Nothing here knows a ceiling, and nothing leaves the page. Without JavaScript the form stays hidden
// and the page's static table of ceilings remains.
(function () {
  'use strict';

  var HEADCOUNT = 'staff_headcount', TURNOVER = 'annual_turnover', BALANCE = 'balance_sheet_total';
  var UNIT_WORDS = { 'EUR m': 'EUR million', 'EUR bn': 'EUR billion', 'EUR': 'EUR', 'persons': 'persons' };
  var NAMES = { micro: 'Micro enterprise', small: 'Small enterprise', medium: 'Medium-sized enterprise',
                large: 'Large enterprise' };

  function passes(test, value) {
    if (test.comparison === '<') return value < test.value;
    if (test.comparison === '<=') return value <= test.value;
    throw new Error('unknown comparison ' + test.comparison);
  }

  function belongs(category, h, t, b) {
    return passes(category[HEADCOUNT], h) && (passes(category[TURNOVER], t) || passes(category[BALANCE], b));
  }

  // Categories come from the data in any order: the smallest headcount ceiling first.
  function ordered(data) {
    return data.categories.slice().sort(function (a, b) { return a[HEADCOUNT].value - b[HEADCOUNT].value; });
  }

  function decide(h, t, b, data) {
    var cats = ordered(data);
    for (var i = 0; i < cats.length; i++) {
      var c = cats[i];
      if (belongs(c, h, t, b)) {
        var tOk = passes(c[TURNOVER], t), bOk = passes(c[BALANCE], b);
        var smaller = i > 0 ? cats[i - 1] : null;
        return {
          category: c.category, tests: c,
          rule: tOk && bOk ? 'headcount_and_both' : (tOk ? 'headcount_and_turnover' : 'headcount_and_balance_sheet'),
          smaller: smaller, smallerFailed: smaller ? (passes(smaller[HEADCOUNT], h) ? 'financial' : 'headcount') : null
        };
      }
    }
    var largest = cats[cats.length - 1];
    var rule = passes(largest[HEADCOUNT], h) ? 'both_financial_above' : 'headcount_above';
    return { category: data.large, tests: largest, rule: rule, smaller: largest,
             smallerFailed: rule === 'headcount_above' ? 'headcount' : 'financial' };
  }

  // --- words --------------------------------------------------------------------------------

  function num(x) { return x.toLocaleString('en-GB', { maximumFractionDigits: 3 }); }
  // "EUR 2 million": the currency, the number, then the scale word of the data's unit
  function money(value, unit) {
    var words = (UNIT_WORDS[unit] || unit).split(' ');
    return [words[0], num(value)].concat(words.slice(1)).join(' ');
  }
  function persons(value) { return num(value) + (value === 1 ? ' person' : ' persons'); }

  function headcountTest(test, h, met) {
    var ceiling = persons(test.value);
    if (test.comparison === '<') return persons(h) + (met ? ' is fewer than ' : ' is not fewer than ') + ceiling;
    return persons(h) + (met ? ' is at most ' : ' is above ') + ceiling;
  }

  function moneyTest(label, test, value, met) {
    var verb = test.comparison === '<=' ? (met ? ' is at most ' : ' is above ') : (met ? ' is below ' : ' is not below ');
    return label + ' ' + money(value, test.unit) + verb + money(test.value, test.unit);
  }

  function sentences(d, h, t, b) {
    var c = d.tests, out = [];
    if (d.category === 'large') {
      if (d.rule === 'headcount_above') {
        out.push('Decided by the headcount test: ' + headcountTest(c[HEADCOUNT], h, false) +
                 ', so the firm is not an SME whatever its turnover and balance sheet.');
      } else {
        out.push('Decided by the financial tests: ' + headcountTest(c[HEADCOUNT], h, true) + ', but ' +
                 moneyTest('turnover', c[TURNOVER], t, false) + ' and ' +
                 moneyTest('the balance-sheet total', c[BALANCE], b, false) + '; one of the two would have been enough.');
      }
      return out;
    }
    var fin = [];
    if (d.rule !== 'headcount_and_balance_sheet') fin.push(moneyTest('turnover', c[TURNOVER], t, true));
    if (d.rule !== 'headcount_and_turnover') fin.push(moneyTest('the balance-sheet total', c[BALANCE], b, true));
    var which = d.rule === 'headcount_and_both' ? 'headcount test and both financial tests'
      : (d.rule === 'headcount_and_turnover' ? 'headcount test and the turnover test'
        : 'headcount test and the balance-sheet test');
    out.push('Decided by the ' + which + ' of the ' + d.category + ' category: ' + headcountTest(c[HEADCOUNT], h, true) +
             ', and ' + fin.join(' and ') + '.');
    if (d.rule === 'headcount_and_turnover') {
      out.push('The balance-sheet total is above its ceiling, but one financial test is enough.');
    } else if (d.rule === 'headcount_and_balance_sheet') {
      out.push('Turnover is above its ceiling, but one financial test is enough.');
    }
    if (d.smaller) {
      var s = d.smaller;
      out.push('Not ' + s.category + ': ' + (d.smallerFailed === 'headcount'
        ? headcountTest(s[HEADCOUNT], h, false)
        : moneyTest('turnover', s[TURNOVER], t, false) + ' and ' + moneyTest('the balance-sheet total', s[BALANCE], b, false)) + '.');
    }
    return out;
  }

  // --- the form -------------------------------------------------------------------------------

  function show(output, heading, lines) {
    output.textContent = '';
    var strong = document.createElement('strong');
    strong.textContent = heading;
    var p = document.createElement('p');
    p.appendChild(strong);
    output.appendChild(p);
    lines.forEach(function (line) {
      var q = document.createElement('p');
      q.textContent = line;
      output.appendChild(q);
    });
  }

  function read(input) {
    var raw = input.value.trim().replace(',', '.');
    var value = raw === '' ? NaN : Number(raw);
    var ok = isFinite(value) && value >= 0;
    input.setAttribute('aria-invalid', ok ? 'false' : 'true');
    return ok ? value : null;
  }

  function init() {
    var block = document.getElementById('sme-thresholds');
    var form = document.getElementById('sme-check');
    if (!block || !form) return;
    var data = JSON.parse(block.textContent);
    var output = document.getElementById('sme-result');
    var fields = { h: form.elements.headcount, t: form.elements.turnover, b: form.elements.balance };
    Array.prototype.forEach.call(form.querySelectorAll('.sme-unit'), function (span) {
      var unit = data.categories[0][span.getAttribute('data-criterion')].unit;
      span.textContent = UNIT_WORDS[unit] || unit;
    });
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var h = read(fields.h), t = read(fields.t), b = read(fields.b);
      if (h === null || t === null || b === null) {
        output.removeAttribute('data-category');
        output.removeAttribute('data-rule');
        show(output, 'Please enter three numbers of zero or more.', []);
        return;
      }
      var d = decide(h, t, b, data);
      output.setAttribute('data-category', d.category);
      output.setAttribute('data-rule', d.rule);
      output.setAttribute('data-smaller-failed', d.smallerFailed || '');
      show(output, 'Class: ' + (NAMES[d.category] || d.category) + ' (' + d.category + ')', sentences(d, h, t, b));
    });
    form.hidden = false;
  }

  if (typeof module !== 'undefined' && module.exports) {
    module.exports = { decide: decide, sentences: sentences };  // for tests run with node
  } else if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
