// Run axe-core on built pages served from localhost; print JSON {url: [violations]} and any request
// that left the machine. Usage: node axe-check.js CHROMIUM URL...
const { chromium } = require('playwright-core');
const fs = require('fs');
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

(async () => {
  const [executablePath, ...urls] = process.argv.slice(2);
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu',
    '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  const page = await browser.newPage();
  const external = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.protocol.startsWith('http') && !['127.0.0.1', 'localhost'].includes(u.hostname)) external.push(r.url());
  });
  const result = { pages: {}, external, charts: {} };
  for (const url of urls) {
    await page.goto(url, { waitUntil: 'networkidle' });
    await page.waitForTimeout(300);
    result.charts[url] = await page.evaluate(() => ({
      figures: document.querySelectorAll('figure.thesis-chart').length,
      interactive: document.querySelectorAll('.thesis-chart-view[data-embedded]').length,
    }));
    await page.addScriptTag({ content: axeSource });
    const res = await page.evaluate(async () => await axe.run(document, { resultTypes: ['violations'] }));
    result.pages[url] = res.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length,
      sample: v.nodes[0].html.slice(0, 200), why: (v.nodes[0].any[0] || v.nodes[0].all[0] || {}).message }));
  }
  console.log(JSON.stringify(result));
  await browser.close();
})().catch((err) => { console.error(err.message); process.exit(2); });
