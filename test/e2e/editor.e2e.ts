import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ZulipFake } from '../fakes/zulip/server';
import { specsDirOrSkipReason } from '../fakes/specs';
import { CHROMIUM_PATH, launchChromium, setUpOwner, signIn } from './browser';
import { importJson, N8N_VERSION, prepareN8n, startN8n, type RunningN8n } from './n8nCli';

const specs = specsDirOrSkipReason('zulip-openapi.yaml');
function skipReason(): string | false {
	if ('skip' in specs) return specs.skip;
	if (!existsSync(CHROMIUM_PATH)) return `no Chromium at ${CHROMIUM_PATH} (apt-get install chromium)`;
	if (!N8N_VERSION.startsWith('2.')) return `the editor steps follow n8n 2.x's editor; N8N_VERSION is ${N8N_VERSION}`;
	return false;
}
const skip = skipReason();
const ARTIFACTS = resolve(__dirname, '../../test-artifacts/editor');

describe('the editor, in a real browser', { skip }, () => {
	let fake: ZulipFake;
	let server: RunningN8n;
	let browser: Browser;
	before(async () => {
		mkdirSync(ARTIFACTS, { recursive: true });
		fake = await ZulipFake.start();
		const install = await prepareN8n();
		await importJson(install, 'credentials', [
			{ id: 'zulipAccount', name: 'Zulip account', type: 'zulipScheduledApi', data: { url: fake.url, email: fake.email, apiKey: fake.apiKey } },
		]);
		server = await startN8n(install);
		await setUpOwner(server.baseUrl);
		browser = await launchChromium();
	});
	after(async () => {
		await browser?.close();
		await server?.stop();
		await fake?.stop();
	});

	async function newWorkflowPage(theme: 'light' | 'dark'): Promise<Page> {
		const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
		// n8n keeps the chosen theme in the page's localStorage (this callback runs in the browser).
		await page.addInitScript((value) => (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage.setItem('N8N_THEME', value), theme);
		await signIn(page, server.baseUrl);
		await page.goto(`${server.baseUrl}/workflow/new`);
		return page;
	}

	async function searchNodes(page: Page, text: string) {
		await page.getByTestId('node-creator-search-bar').fill(text);
		return page.getByTestId('node-creator-item-name').filter({ hasText: 'Zulip Scheduled Messages' });
	}

	for (const theme of ['light', 'dark'] as const) {
		test(`the node is found by "zulip" and "schedule", with its ${theme} icon`, async () => {
			const page = await newWorkflowPage(theme);
			await page.getByTestId('node-creator-plus-button').click();
			for (const text of ['schedule', 'zulip']) {
				const item = await searchNodes(page, text);
				await item.waitFor();
				await page.screenshot({ path: `${ARTIFACTS}/node-search-${text}-${theme}.png` });
			}
			const icon = page.locator('img[src*="n8n-nodes-scheduled-messaging"][src*="Zulip"]').first();
			await icon.waitFor();
			const src = String(await icon.getAttribute('src'));
			assert.match(src, theme === 'dark' ? /zulip\.dark\.svg$/ : /zulip\.svg$/);
			const rendered = await icon.evaluate((image) => {
				const loaded = image as unknown as { complete: boolean; naturalWidth: number };
				return loaded.complete && loaded.naturalWidth > 0;
			});
			assert.ok(rendered, `the icon ${src} rendered`);
			await page.close();
		});
	}

	test('open the node, pick a channel from the list loaded from Zulip, execute the step, see the output', async () => {
		const page = await newWorkflowPage('light');
		await page.getByTestId('node-creator-plus-button').click();
		await (await searchNodes(page, 'zulip')).click();
		await page.getByText('Schedule a message', { exact: true }).click();
		const ndv = page.getByTestId('ndv');
		await ndv.getByTestId('resource-locator-channel').getByTestId('rlc-input').click();
		await page.getByTestId('rlc-search').fill('ann');
		await page.getByTestId('rlc-item').filter({ hasText: 'announce' }).click();
		await ndv.getByTestId('parameter-input-topic').locator('input').fill('Launch');
		await ndv.getByTestId('parameter-input-content').locator('textarea').fill('Hello from the editor');
		const sendAt = ndv.getByTestId('parameter-input-sendAt').locator('input');
		await sendAt.click();
		await sendAt.fill('2030-01-01 09:00:00');
		await sendAt.press('Enter');
		await page.screenshot({ path: `${ARTIFACTS}/zulip-create-filled.png` });
		await ndv.getByTestId('node-execute-button').click();
		await ndv.getByText('Hello from the editor').last().waitFor();
		await page.screenshot({ path: `${ARTIFACTS}/zulip-create-output.png` });

		assert.equal(fake.scheduled.size, 1);
		const [stored] = [...fake.scheduled.values()];
		assert.equal(stored.to, 15, 'the channel picked from the list');
		assert.equal(stored.topic, 'Launch');
		// The editor's date is read in the workflow's default time zone, America/New_York.
		assert.equal(stored.scheduled_delivery_timestamp, Date.UTC(2030, 0, 1, 14, 0) / 1000);
		assert.deepEqual(fake.violations, []);
		await page.close();
	});
});
