// The browser judges, one pass per page, on a built site served from 127.0.0.1.
// Usage: node judge.js CHROMIUM URL...   Prints one JSON object on stdout:
// {pages: {url: {desktop: {...}, phone: {...}}}, versions: {...}}
// Each page is opened twice, each time in a fresh browser context (a first visit: no cache, no storage):
//   desktop: 1280x900, light colour scheme; phone: 390x844, isMobile, dark colour scheme.
// Several (page, view) pairs are judged at once in the one browser (JOBS below); each has its own context
// and listeners, and the output is in the order of the URLs given, whatever order they finish in.
// In each: axe-core (every rule it runs by default), console errors, page errors, requests that leave
// 127.0.0.1/localhost, same-origin resources loaded, charts (figures, interactive views with marks
// drawn, smallest rendered text height per chart), and whether the page scrolls sideways.
const { chromium } = require('playwright-core');
const fs = require('fs');
const os = require('os');
const axePath = require.resolve('axe-core/axe.min.js');
const axeSource = fs.readFileSync(axePath, 'utf8');

const VIEWS = {
  desktop: { viewport: { width: 1280, height: 900 }, colorScheme: 'light' },
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true,
    deviceScaleFactor: 2, colorScheme: 'dark' },
};

// (page, view) pairs judged at once: one more than the CPUs, so that both cores stay busy while a page
// waits on the server or on node; JUDGE_JOBS=1 judges one at a time.
const JOBS = Number(process.env.JUDGE_JOBS)
  || Math.min(6, (os.availableParallelism ? os.availableParallelism() : os.cpus().length) + 1);
const CHART_WAIT = 10000;   // ms a page's charts may take to become interactive
// A mark drawn by Vega: a shape, group, text, line or rectangle in one of its mark groups.
const MARKS = ['path', 'g', 'text', 'line', 'rect'].map((t) => `g[class*="mark-"] > ${t}`).join(', ');

function local(url) {
  try {
    const u = new URL(url);
    if (!u.protocol.startsWith('http')) return true;   // data:, blob:, about:
    return ['127.0.0.1', 'localhost'].includes(u.hostname);
  } catch (e) { return true; }
}

async function judge(browser, url, options) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const out = { consoleErrors: [], pageErrors: [], external: [], resources: [], failed: [] };
  page.on('console', (m) => { if (m.type() === 'error') out.consoleErrors.push(m.text().slice(0, 300)); });
  page.on('pageerror', (e) => out.pageErrors.push(String(e.message || e).slice(0, 300)));
  // Nothing may leave the machine: record, then refuse, every such request.
  await context.route((u) => !local(u.href), (route) => { out.external.push(route.request().url()); route.abort(); });
  page.on('requestfinished', (r) => { if (local(r.url()) && r.url().startsWith('http')) out.resources.push(r.url()); });
  page.on('requestfailed', (r) => { if (local(r.url())) out.failed.push(r.url()); });
  page.on('response', (r) => { if (r.status() >= 400) out.failed.push(`${r.status()} ${r.url()}`); });
  await page.goto(url, { waitUntil: 'load' });
  // Then wait (at most CHART_WAIT ms) until the page is settled: loaded; moved on, if it redirects with a
  // meta refresh (the site's index.html), and the page it leads to loaded; every chart's interactive view
  // embedded (after the deferred bundle) with marks drawn. Pages without charts are settled at once; a
  // chart that never embeds is waited for, then judged as it is (not interactive). Then two animation
  // frames, so that style and layout are up to date.
  await page.waitForFunction((marks) => document.readyState === 'complete'
    && !document.querySelector('meta[http-equiv="refresh" i]')
    && [...document.querySelectorAll('figure.thesis-chart')].every((fig) => {
      const svg = fig.querySelector('.thesis-chart-view[data-embedded] svg');
      return !!(svg && svg.querySelector(marks));
    }), MARKS, { timeout: CHART_WAIT }).catch(() => {});
  await page.evaluate(() => new Promise((done) => {
    requestAnimationFrame(() => requestAnimationFrame(done));
    setTimeout(done, 1000);
  }));
  Object.assign(out, await page.evaluate((MARKS) => {
    const charts = [...document.querySelectorAll('figure.thesis-chart')].map((fig) => {
      const view = fig.querySelector('.thesis-chart-view');
      const svg = view && view.querySelector('svg');
      const marks = svg ? svg.querySelectorAll(MARKS).length : 0;
      let minText = null;
      let chartWidth = svg ? svg.getBoundingClientRect().width : 0;
      if (svg) {
        for (const t of svg.querySelectorAll('text')) {
          if (!t.textContent.trim()) continue;
          const h = t.getBoundingClientRect().height;
          if (h > 0 && (minText === null || h < minText)) minText = h;
        }
      }
      const figBox = fig.getBoundingClientRect();
      return { id: fig.id, interactive: !!(view && view.dataset.embedded), marks,
        minTextPx: minText === null ? null : Math.round(minText * 10) / 10,
        svgWidth: Math.round(chartWidth), figureWidth: Math.round(figBox.width) };
    });
    const doc = document.documentElement;
    return { charts, scrollWidth: doc.scrollWidth, clientWidth: doc.clientWidth,
      theme: doc.dataset.theme || null };
  }, MARKS));
  await page.addScriptTag({ content: axeSource });
  // (summarised in the page: only the violations cross over to node)
  out.axe = await page.evaluate(async () => (await axe.run(document, { resultTypes: ['violations'] }))
    .violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length,
      sample: v.nodes[0].html.slice(0, 200),
      why: (v.nodes[0].any[0] || v.nodes[0].all[0] || v.nodes[0].none[0] || {}).message })));
  await context.close();
  return out;
}

(async () => {
  const [executablePath, ...urls] = process.argv.slice(2);
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu',
    '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
    '--disable-quic'] });
  const result = { versions: { axe: require('axe-core/package.json').version,
    playwright: require('playwright-core/package.json').version, chromium: browser.version() }, pages: {} };
  const jobs = [];
  for (const url of urls) {
    result.pages[url] = {};
    for (const name of Object.keys(VIEWS)) { result.pages[url][name] = null; jobs.push([url, name]); }
  }
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const [url, name] = jobs[next++];
      result.pages[url][name] = await judge(browser, url, VIEWS[name]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(JOBS, jobs.length)) }, worker));
  console.log(JSON.stringify(result));
  await browser.close();
})().catch((err) => { console.error(err.stack || err.message); process.exit(2); });
