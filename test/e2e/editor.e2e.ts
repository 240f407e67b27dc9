import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DateTime } from 'luxon';
import type { Browser, Locator, Page } from 'playwright-core';
import { TelegramFake } from '../fakes/telegram/server';
import { TelnyxFake } from '../fakes/telnyx/server';
import { ZulipFake } from '../fakes/zulip/server';
import { CHROMIUM_PATH, launchChromium, setUpOwner, signIn } from './browser';
import { importJson, N8N_VERSION, prepareN8n, startN8n, type RunningN8n } from './n8nCli';
import { telegramCredentialData } from '../fakes/telegram/credential';

function skipReason(): string | false {
	if (!existsSync(CHROMIUM_PATH))
		return `no Chromium at ${CHROMIUM_PATH} (apt-get install chromium)`;
	if (!N8N_VERSION.startsWith('2.'))
		return `the editor steps follow n8n 2.x's editor; N8N_VERSION is ${N8N_VERSION}`;
	return false;
}
const skip = skipReason();
const ARTIFACTS = resolve(__dirname, '../../test-artifacts/editor');
const PACKAGE = 'n8n-nodes-scheduled-messaging';
/** The editor reads a typed date in the workflow's zone; a new workflow has n8n's default. */
const EDITOR_ZONE = 'America/New_York';

/** Our nodes as the node creator lists them: search text, display name, type and icon file. */
const OUR_NODES = [
	{ search: 'zulip', displayName: 'Zulip Scheduled Messages', type: 'zulip', icon: 'Zulip/zulip' },
	{ search: 'telnyx', displayName: 'Telnyx Scheduled SMS', type: 'telnyx', icon: 'Telnyx/telnyx' },
	{
		search: 'telegram',
		displayName: 'Telegram Scheduled Messages',
		type: 'telegram',
		icon: 'Telegram/telegram',
	},
] as const;

/** A time both Telnyx (5 min..5 days) and Telegram (10 s..365 days) accept, as the editor's date field takes it. */
function sendTimeInTwoDays(): { typed: string; unixSeconds: number } {
	const time = DateTime.now()
		.setZone(EDITOR_ZONE)
		.plus({ days: 2 })
		.set({ hour: 10, minute: 30, second: 0, millisecond: 0 });
	return { typed: time.toFormat('yyyy-MM-dd HH:mm:ss'), unixSeconds: time.toUnixInteger() };
}

describe('the editor, in a real browser', { skip }, () => {
	let zulip: ZulipFake;
	let telnyx: TelnyxFake;
	let telegram: TelegramFake;
	let server: RunningN8n;
	let browser: Browser;
	before(async () => {
		mkdirSync(ARTIFACTS, { recursive: true });
		zulip = await ZulipFake.start();
		telnyx = await TelnyxFake.start();
		telegram = await TelegramFake.start();
		const install = await prepareN8n();
		// One credential per type, so the editor picks it when the node is added.
		await importJson(install, 'credentials', [
			{
				id: 'zulipAccount',
				name: 'Zulip account',
				type: 'zulipScheduledApi',
				data: { url: zulip.url, email: zulip.email, apiKey: zulip.apiKey },
			},
			{
				id: 'telnyxAccount',
				name: 'Telnyx account',
				type: 'telnyxScheduledApi',
				data: { apiKey: telnyx.apiKey, baseUrl: `${telnyx.url}/v2` },
			},
			{
				id: 'telegramAccount',
				name: 'Telegram account',
				type: 'telegramMtprotoApi',
				data: telegramCredentialData(telegram),
			},
		]);
		server = await startN8n(install);
		await setUpOwner(server.baseUrl);
		browser = await launchChromium();
	});
	after(async () => {
		await browser?.close();
		await server?.stop();
		await Promise.all([zulip?.stop(), telnyx?.stop(), telegram?.stop()]);
	});

	async function newWorkflowPage(theme: 'light' | 'dark'): Promise<Page> {
		const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
		// n8n keeps the chosen theme in the page's localStorage (this callback runs in the browser).
		await page.addInitScript(
			(value) =>
				(
					globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }
				).localStorage.setItem('N8N_THEME', value),
			theme,
		);
		await signIn(page, server.baseUrl);
		await page.goto(`${server.baseUrl}/workflow/new`);
		await page.getByTestId('node-creator-plus-button').click();
		return page;
	}

	/** A node creator entry by node type: n8n's own "Telegram" is n8n-nodes-base.telegram, ours is not. */
	function creatorItem(page: Page, type: string): Locator {
		return page.locator(`[data-test-id="item-iterator-item"][data-keyboard-nav-id^="${type}-"]`);
	}

	async function searchNodes(page: Page, text: string): Promise<void> {
		await page.getByTestId('node-creator-search-bar').fill(text);
	}

	/** Searches, opens our node and picks the action; the node opens in the NDV. */
	async function addNode(
		page: Page,
		node: (typeof OUR_NODES)[number],
		action: string,
	): Promise<Locator> {
		await searchNodes(page, node.search);
		await creatorItem(page, `${PACKAGE}.${node.type}`).click();
		// A node that also has a trigger lists the trigger first, with its actions folded.
		const actions = page.getByTestId('node-creator-category-item').filter({ hasText: /^Actions/ });
		const actionItem = page.getByText(action, { exact: true });
		await actions.or(actionItem).first().waitFor();
		if (!(await actionItem.isVisible())) await actions.click();
		await actionItem.click();
		const ndv = page.getByTestId('ndv');
		await ndv.waitFor();
		return ndv;
	}

	async function typeDate(ndv: Locator, parameter: string, typed: string): Promise<void> {
		const input = ndv.getByTestId(`parameter-input-${parameter}`).locator('input');
		await input.click();
		await input.fill(typed);
		await input.press('Enter');
	}

	for (const theme of ['light', 'dark'] as const) {
		test(`our three nodes are found by "schedule" and by their names, with their ${theme} icons`, async () => {
			const page = await newWorkflowPage(theme);
			await searchNodes(page, 'schedule');
			for (const node of OUR_NODES)
				await creatorItem(page, `${PACKAGE}.${node.type}`)
					.getByTestId('node-creator-item-name')
					.filter({ hasText: node.displayName })
					.waitFor();
			await page.screenshot({ path: `${ARTIFACTS}/node-search-schedule-${theme}.png` });

			for (const node of OUR_NODES) {
				await searchNodes(page, node.search);
				const item = creatorItem(page, `${PACKAGE}.${node.type}`);
				await item
					.getByTestId('node-creator-item-name')
					.filter({ hasText: node.displayName })
					.waitFor();
				// The list has been filtered for this search (and no longer shows the previous one's results).
				for (const other of OUR_NODES)
					if (other !== node)
						await creatorItem(page, `${PACKAGE}.${other.type}`).waitFor({ state: 'detached' });
				if (node.type === 'telegram') {
					// n8n's own Telegram node is listed too, as a different entry.
					await creatorItem(page, 'n8n-nodes-base.telegram').waitFor();
					assert.equal(await creatorItem(page, `${PACKAGE}.telegram`).count(), 1);
				}
				await page.screenshot({ path: `${ARTIFACTS}/node-search-${node.search}-${theme}.png` });

				const icon = item.locator(`img[src*="${PACKAGE}"]`).first();
				await icon.waitFor();
				const src = String(await icon.getAttribute('src'));
				assert.ok(
					src.endsWith(theme === 'dark' ? `${node.icon}.dark.svg` : `${node.icon}.svg`),
					`${node.displayName}'s ${theme} icon, got ${src}`,
				);
				const rendered = await icon.evaluate((image) => {
					const loaded = image as unknown as { complete: boolean; naturalWidth: number };
					return loaded.complete && loaded.naturalWidth > 0;
				});
				assert.ok(rendered, `the icon ${src} rendered`);
			}
			await page.close();
		});
	}

	test('Zulip: open the node, pick a channel from the list loaded from Zulip, execute the step, see the output', async () => {
		const page = await newWorkflowPage('light');
		const ndv = await addNode(page, OUR_NODES[0], 'Schedule a message');
		await ndv.getByTestId('resource-locator-channel').getByTestId('rlc-input').click();
		await page.getByTestId('rlc-search').fill('ann');
		await page.getByTestId('rlc-item').filter({ hasText: 'announce' }).click();
		await ndv.getByTestId('parameter-input-topic').locator('input').fill('Launch');
		await ndv
			.getByTestId('parameter-input-content')
			.locator('textarea')
			.fill('Hello from the editor');
		await typeDate(ndv, 'sendAt', '2030-01-01 09:00:00');
		await page.screenshot({ path: `${ARTIFACTS}/zulip-create-filled.png` });
		await ndv.getByTestId('node-execute-button').click();
		await ndv.getByText('Hello from the editor').last().waitFor();
		await page.screenshot({ path: `${ARTIFACTS}/zulip-create-output.png` });

		assert.equal(zulip.scheduled.size, 1);
		const [stored] = [...zulip.scheduled.values()];
		assert.equal(stored.to, 15, 'the channel picked from the list');
		assert.equal(stored.topic, 'Launch');
		// The editor's date is read in the workflow's default time zone, America/New_York.
		assert.equal(stored.scheduled_delivery_timestamp, Date.UTC(2030, 0, 1, 14, 0) / 1000);
		assert.deepEqual(zulip.violations, []);
		await page.close();
	});

	test('Telnyx: open the node, pick the sender from the numbers loaded from Telnyx, schedule an SMS, see the output', async () => {
		const page = await newWorkflowPage('light');
		const ndv = await addNode(page, OUR_NODES[1], 'Schedule a message');
		await ndv.getByTestId('resource-locator-fromNumber').getByTestId('rlc-input').click();
		// The list search filters by digits on the Telnyx side (filter[phone_number]).
		await page.getByTestId('rlc-search').fill('2222');
		await page.getByTestId('rlc-item').filter({ hasText: '+15550002222' }).click();
		await ndv.getByTestId('parameter-input-to').locator('input').fill('+15557654321');
		await ndv.getByTestId('parameter-input-text').locator('textarea').fill('Your table is booked');
		const sendAt = sendTimeInTwoDays();
		await typeDate(ndv, 'sendAt', sendAt.typed);
		await page.screenshot({ path: `${ARTIFACTS}/telnyx-schedule-filled.png` });
		await ndv.getByTestId('node-execute-button').click();
		await ndv.getByText('Your table is booked').last().waitFor();
		await page.screenshot({ path: `${ARTIFACTS}/telnyx-schedule-output.png` });

		assert.equal(telnyx.messages.size, 1);
		const [message] = [...telnyx.messages.values()];
		assert.equal(message.from.phone_number, '+15550002222', 'the number picked from the list');
		assert.deepEqual(
			message.to.map((recipient) => recipient.phone_number),
			['+15557654321'],
		);
		assert.equal(message.text, 'Your table is booked');
		assert.equal(Date.parse(String(message.send_at)), sendAt.unixSeconds * 1000);
		assert.deepEqual(telnyx.violations, []);
		await page.close();
	});

	test("Telegram: open our node (not n8n's Telegram), schedule a text in a chat, execute the step, see the output", async () => {
		const page = await newWorkflowPage('light');
		// The node has no list to pick from (chats are typed: @username, link, phone, id).
		const ndv = await addNode(page, OUR_NODES[2], 'Send a text message');
		await ndv.getByTestId('parameter-input-chat').locator('input').fill('@alice_test');
		await ndv.getByTestId('parameter-input-text').locator('textarea').fill('Lunch at noon?');
		await ndv.getByTestId('parameter-input-sendWhen').click();
		await page.getByRole('option', { name: 'At a Time' }).click();
		const sendAt = sendTimeInTwoDays();
		await typeDate(ndv, 'sendAt', sendAt.typed);
		await page.screenshot({ path: `${ARTIFACTS}/telegram-send-text-filled.png` });
		await ndv.getByTestId('node-execute-button').click();
		await ndv.getByText('Lunch at noon?').last().waitFor();
		await page.screenshot({ path: `${ARTIFACTS}/telegram-send-text-output.png` });

		const alice = telegram.users.find((user) => user.username === 'alice_test');
		assert.ok(alice);
		assert.equal(telegram.messages.length, 0, 'nothing sent now');
		assert.equal(telegram.scheduled.length, 1);
		const [scheduled] = telegram.scheduled;
		assert.equal(scheduled.peerKey, telegram.peerKey({ userId: alice.id }));
		assert.equal(scheduled.text, 'Lunch at noon?');
		assert.equal(scheduled.scheduleDate, sendAt.unixSeconds);
		await page.close();
	});
});
