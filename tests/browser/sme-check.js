// The SME check of section 1.1 in Chromium: for each case, type the firm's figures with the keyboard,
// press Enter, and read back the class and rule the page shows; then load the page with JavaScript
// off and report what is left. Prints one JSON object; tests/test_sme.py compares it with Python.
// Usage: node sme-check.js CHROMIUM URL CASES.json
// (playwright-core from tests/a11y/node_modules, installed by `npm ci --prefix tests/a11y`.)
const fs = require('fs');
const path = require('path');

function load(name) {
  try {
    return require(require.resolve(name, { paths: [path.join(__dirname, '..', 'a11y')] }));
  } catch (err) {
    return require(name);  // NODE_PATH or a global install
  }
}
const { chromium } = load('playwright-core');

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run'];

async function typeInto(page, selector, value) {
  await page.focus(selector);
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');
  await page.keyboard.type(String(value));
}

async function withScript(browser, url, cases) {
  const page = await browser.newPage();
  const external = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.protocol.startsWith('http') && !['127.0.0.1', 'localhost'].includes(u.hostname)) external.push(r.url());
  });
  await page.goto(url, { waitUntil: 'networkidle' });
  const form = await page.evaluate(() => {
    const f = document.getElementById('sme-check');
    if (!f) return null;
    const inputs = Array.from(f.querySelectorAll('input'));
    return {
      visible: !f.hidden && f.getBoundingClientRect().height > 0,
      labelled: inputs.map((i) => ({ id: i.id, label: i.labels.length ? i.labels[0].textContent.trim() : '' })),
      live: (document.getElementById('sme-result') || {}).getAttribute
        ? document.getElementById('sme-result').getAttribute('aria-live') : null,
    };
  });
  const results = [];
  if (form && form.visible) {
    for (const c of cases) {
      await typeInto(page, '#sme-headcount', c.headcount);
      await typeInto(page, '#sme-turnover', c.turnover);
      await typeInto(page, '#sme-balance', c.balance);
      await page.keyboard.press('Enter');  // submit from the keyboard
      results.push(await page.evaluate(() => {
        const out = document.getElementById('sme-result');
        return { category: out.getAttribute('data-category'), rule: out.getAttribute('data-rule'),
                 text: out.textContent };
      }));
    }
  }
  // Tab order: from the first field, Tab reaches the other two fields and then the button.
  const tabOrder = [];
  if (form && form.visible) {
    await page.focus('#sme-headcount');
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press('Tab');
      tabOrder.push(await page.evaluate(() => document.activeElement.id || document.activeElement.tagName.toLowerCase()));
    }
  }
  await page.close();
  return { form, results, tabOrder, external };
}

async function withoutScript(browser, url) {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(url, { waitUntil: 'load' });
  const state = await page.evaluate(() => {
    const f = document.getElementById('sme-check');
    const table = document.getElementById('tab-firms-eu-sme-definition');
    return {
      formHidden: !f || f.hidden,
      tableRows: table ? table.querySelectorAll('tbody tr').length : 0,
      tableText: table ? table.textContent : '',
    };
  });
  await context.close();
  return state;
}

(async () => {
  const [executablePath, url, casesFile] = process.argv.slice(2);
  const cases = JSON.parse(fs.readFileSync(casesFile, 'utf8'));
  const browser = await chromium.launch({ executablePath, args: ARGS });
  try {
    const scripted = await withScript(browser, url, cases);
    const noscript = await withoutScript(browser, url);
    console.log(JSON.stringify({ ...scripted, noscript }));
  } finally {
    await browser.close();
  }
})().catch((err) => { console.error(err.stack || err.message); process.exit(2); });
