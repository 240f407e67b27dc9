// A raw gramjs loop in its own process: `messages.sendMessage` over one connection, one message
// at a time, to a Telegram fake running elsewhere. Run with the Node that runs n8n (bench/
// telegramRuntime.ts does), it is the like-for-like baseline of the node's sends in a real n8n:
// same runtime, same fake, no n8n. Prints {"ms", "cpuMs"} of the timed sends.
// Usage: node --import tsx bench/telegramRawLoop.ts '<RawLoopSettings as JSON>'
import bigInt from 'big-integer';
import { Api, TelegramClient } from 'telegram';
import { Logger } from 'telegram/extensions';
import { LogLevel } from 'telegram/extensions/Logger';
import { ConnectionTCPFull } from 'telegram/network';
import { StringSession } from 'telegram/sessions';
import { fixedAddressConnection } from '../test/fakes/telegram/fixedAddressConnection';

export interface RawLoopSettings {
	host: string;
	port: number;
	apiId: number;
	apiHash: string;
	session: string;
	/** The private chat's peer (the fake's user). */
	userId: string;
	accessHash: string;
	count: number;
	warm: number;
}

async function main(settings: RawLoopSettings): Promise<{ ms: number; cpuMs: number }> {
	const client = new TelegramClient(
		new StringSession(settings.session),
		settings.apiId,
		settings.apiHash,
		{
			connection: fixedAddressConnection(settings, ConnectionTCPFull),
			useWSS: false,
			connectionRetries: 2,
			floodSleepThreshold: 0,
			baseLogger: new Logger(LogLevel.NONE),
		},
	);
	if (!(await client.connect())) throw new Error('gramjs could not connect to the Telegram fake');
	const peer = new Api.InputPeerUser({
		userId: bigInt(settings.userId),
		accessHash: bigInt(settings.accessHash),
	});
	let randomId = 1;
	const send = async (index: number) =>
		await client.invoke(
			new Api.messages.SendMessage({
				peer,
				message: `message ${index}`,
				randomId: bigInt(randomId++),
			}),
		);
	try {
		for (let index = 0; index < settings.warm; index++) await send(index);
		const cpu = process.cpuUsage();
		const start = process.hrtime.bigint();
		for (let index = 0; index < settings.count; index++) await send(index);
		const ms = Number(process.hrtime.bigint() - start) / 1e6;
		const used = process.cpuUsage(cpu);
		return { ms, cpuMs: (used.user + used.system) / 1000 };
	} finally {
		await client.destroy();
	}
}

main(JSON.parse(process.argv[2] ?? '{}') as RawLoopSettings)
	.then((result) => {
		console.log(JSON.stringify(result));
		// gramjs keeps timers after destroy(); the result is out.
		process.exit(0);
	})
	.catch((error: unknown) => {
		console.error(error);
		process.exit(1);
	});
