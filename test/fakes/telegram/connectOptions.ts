import { ConnectionTCPFull } from 'telegram/network';
import { fixedAddressConnection, type ServerAddress } from './fixedAddressConnection';

/** The TelegramClient options that reach a TelegramFake (or any MTProto server at host:port). */
export function connectOptionsFor(server: ServerAddress): {
	connection: typeof ConnectionTCPFull;
	useWSS: false;
} {
	return { connection: fixedAddressConnection(server, ConnectionTCPFull), useWSS: false };
}
