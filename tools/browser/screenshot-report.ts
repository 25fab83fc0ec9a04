// `node --import tsx tools/browser/screenshot-report.ts [REPORT] [OUT.png] [QUERY] [LEVEL]`: opens the built report
// in headless Chromium, searches, opens the first hit (at LEVEL when given), returns to the tree opened at it and
// saves a screenshot (docs/images/report.png by default).
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openInChromium } from './chromium.ts';

const [report = 'artifacts/taxonomy/report/index.html', out = 'docs/images/report.png', query = 'machine learning', level] = process.argv.slice(2);
const { context, page, errors } = await openInChromium(pathToFileURL(resolve(report)).href);
await page.waitForSelector('html[data-ready="true"]');
await page.fill('#search', query);
await page.click(level === undefined ? '#results .result' : `#results .result:has(.lv${level})`);
await page.waitForSelector('#reasons li');
await page.fill('#search', ''); // back to the tree, opened at the concept
await page.waitForSelector('#tree:not([hidden]) .row.selected');
await page.mouse.move(1, 1); // no hover highlight in the picture
await page.screenshot({ path: out });
await context.close();
if (errors.length > 0) throw new Error(`console errors: ${errors.join('; ')}`);
process.stdout.write(`${out}\n`);
