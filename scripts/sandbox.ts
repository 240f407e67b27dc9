// `npm run sandbox`: n8n with this pack, the local provider fakes, the example workflows and
// credentials that point at the fakes, so a newcomer with no accounts can watch every node work.
// `npm run sandbox -- --queue`: the same on n8n's queue mode (a main and two workers, with a private
// Postgres and Redis started from the machine's postgresql and redis-server packages).
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir as tmpdirOf } from 'node:os';
import { join, resolve } from 'node:path';
import { TelegramFake } from '../test/fakes/telegram/server';
import { TelnyxFake } from '../test/fakes/telnyx/server';
import { ZulipFake } from '../test/fakes/zulip/server';
import { setUpOwner, OWNER } from '../test/e2e/browser';
import { freePort, importJson, prepareN8n, type N8nInstall } from '../test/e2e/n8nCli';
import { prepareQueueMode, queueModeMissing, type QueueSetup } from '../test/e2e/queueMode';
import { telegramCredentialData } from '../test/fakes/telegram/credential';

const REPO = resolve(__dirname, '..');
const PORT = Number(process.env.N8N_PORT ?? 5678);
const QUEUE = process.argv.includes('--queue');

async function importExamples(install: N8nInstall, credentialIds: Record<string, string>) {
	const folder = join(REPO, 'examples');
	const workflows = readdirSync(folder)
		.filter((file) => file.endsWith('.json'))
		.map((file, index) => {
			const workflow = JSON.parse(readFileSync(join(folder, file), 'utf8'));
			for (const node of workflow.nodes) {
				for (const type of Object.keys(node.credentials ?? {})) {
					if (credentialIds[type])
						node.credentials[type] = { id: credentialIds[type], name: `${type} (sandbox fake)` };
				}
			}
			return { ...workflow, id: `sandboxExample${index + 1}`, active: false };
		});
	await importJson(install, 'workflow', workflows);
	return workflows.map((workflow) => workflow.name as string);
}

async function main() {
	const zulip = await ZulipFake.start();
	const telnyx = await TelnyxFake.start();
	const telegram = await TelegramFake.start();
	let queue: QueueSetup | undefined;
	if (QUEUE) {
		const missing = queueModeMissing();
		if (missing) throw new Error(`--queue: ${missing}`);
		// Main's and the workers' output, in one file (the terminal shows what the fakes receive).
		process.env.N8N_SM_E2E_LOG ??= join(tmpdirOf(), 'n8n-sm-sandbox-queue.log');
		queue = await prepareQueueMode({ workers: 2, mainPort: PORT });
	}
	const install = queue?.install ?? (await prepareN8n());
	await importJson(install, 'credentials', [
		{
			id: 'sandboxZulip',
			name: 'zulipScheduledApi (sandbox fake)',
			type: 'zulipScheduledApi',
			data: { url: zulip.url, email: zulip.email, apiKey: zulip.apiKey },
		},
		{
			id: 'sandboxTelnyx',
			name: 'telnyxScheduledApi (sandbox fake)',
			type: 'telnyxScheduledApi',
			data: { apiKey: telnyx.apiKey, baseUrl: `${telnyx.url}/v2` },
		},
		{
			id: 'sandboxTelegram',
			name: 'telegramMtprotoApi (sandbox fake)',
			type: 'telegramMtprotoApi',
			data: telegramCredentialData(telegram),
		},
	]);
	const names = await importExamples(install, {
		zulipScheduledApi: 'sandboxZulip',
		telnyxScheduledApi: 'sandboxTelnyx',
		telegramMtprotoApi: 'sandboxTelegram',
	});

	let stopN8n: () => Promise<void>;
	let onN8nExit: (listener: () => void) => void;
	if (queue) {
		const cluster = await queue.start();
		stopN8n = () => queue.stop();
		onN8nExit = () => undefined;
		console.log(
			`\nQueue mode: main on port ${PORT}, workers ${cluster.workers.map((w) => `${w.name} (pid ${w.pid})`).join(', ')}`,
		);
		console.log(
			`  Postgres 127.0.0.1:${queue.postgres.port}, Redis 127.0.0.1:${queue.redis.port}; n8n's output: ${process.env.N8N_SM_E2E_LOG}`,
		);
	} else {
		// The task broker's default port (5679) may be taken by another n8n on this machine.
		const brokerPort = String(process.env.N8N_RUNNERS_BROKER_PORT ?? (await freePort()));
		const n8n = spawn(install.node, [install.bin, 'start'], {
			env: { ...install.env, N8N_PORT: String(PORT), N8N_RUNNERS_BROKER_PORT: brokerPort },
			stdio: ['ignore', 'inherit', 'inherit'],
		});
		stopN8n = async () => void n8n.kill('SIGTERM');
		onN8nExit = (listener) => n8n.on('exit', listener);
	}
	const baseUrl = `http://localhost:${PORT}`;
	while (
		!(await fetch(`${baseUrl}/healthz/readiness`).then(
			(r) => r.ok,
			() => false,
		))
	)
		await new Promise((r) => setTimeout(r, 500));
	await setUpOwner(baseUrl);

	console.log(`\nSandbox ready: ${baseUrl}\n  sign in as ${OWNER.email} / ${OWNER.password}`);
	console.log(
		`  Zulip fake: ${zulip.url} (channels: ${zulip.channels.map((c) => c.name).join(', ')})`,
	);
	console.log(
		`  Telnyx fake: ${telnyx.url}/v2 (numbers: ${telnyx.phoneNumbers.map((n) => n.phone_number).join(', ')})`,
	);
	console.log(
		`  Telegram fake: ${telegram.host}:${telegram.port} (chats: @alice_test, @bob_test, @news_test, me)`,
	);
	console.log(`  example workflows: ${names.join('; ')}`);
	console.log('  What the fakes receive is printed below. Ctrl+C stops everything.\n');

	const fakes = { zulip, telnyx };
	const seen = { zulip: 0, telnyx: 0 };
	let seenTelegram = 0;
	const report = setInterval(() => {
		for (const [name, fake] of Object.entries(fakes) as Array<
			[keyof typeof fakes, ZulipFake | TelnyxFake]
		>) {
			for (const request of fake.requests.slice(seen[name]))
				console.log(`[${name} fake] ${request.method} ${request.path}`);
			seen[name] = fake.requests.length;
			for (const violation of fake.violations.splice(0))
				console.log(`[${name} fake] SPEC VIOLATION: ${violation}`);
		}
		for (const call of telegram.requests.slice(seenTelegram))
			console.log(`[telegram fake] ${call.name}`);
		seenTelegram = telegram.requests.length;
	}, 1000);
	const stop = async () => {
		clearInterval(report);
		await stopN8n();
		await Promise.all([zulip.stop(), telnyx.stop(), telegram.stop()]);
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
	onN8nExit(stop);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
