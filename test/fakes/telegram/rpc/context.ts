import type { AuthKeyRecord, AuthKeyRegistry } from '../authKeys';
import type { Counters } from '../counters';
import type { Inbox } from '../inbox';
import type { MediaStore } from '../mediaStore';
import type { Outbox } from '../outbox';
import type { FakeUser, FakeWorld } from '../state';
import type { UpdateLog } from '../updateLog';
import { RpcFailure } from '../wire';
import type { QrLogins } from '../qrLogins';
import type { LoginSettings } from './loginSettings';

/** What a request handler sees: the world, the fake's stores, and the auth key it was called on. */

export interface FakeServices {
	readonly media: MediaStore;
	/** What other accounts sent (the test plays them), for getMessages and downloads. */
	readonly inbox: Inbox;
	readonly counters: Counters;
	readonly login: LoginSettings;
	readonly qrLogins: QrLogins;
	readonly authKeys: AuthKeyRegistry;
	/** `${ownerId}:${peerKey}:${randomId}` of every send, for RANDOM_ID_DUPLICATE. */
	readonly usedRandomIds: Set<string>;
	/** auth.exportAuthorization tokens -> account. */
	readonly exportedAuthorizations: Map<string, { userId: bigint; dcId: number }>;
	readonly outbox: Outbox;
	/** Every pts-numbered update sent, per account and per channel, for getDifference. */
	readonly updateLog: UpdateLog;
}

export class RpcContext {
	constructor(
		readonly world: FakeWorld,
		readonly services: FakeServices,
		readonly auth: AuthKeyRecord,
		/** An answer sends the client to another DC: its next key made by DH on the main port belongs there. */
		readonly expectKeyOnDc: (dcId: number) => void = () => undefined,
		/**
		 * Pushes an Updates answer to the account's other sessions (its other devices), as
		 * Telegram does; the calling session gets it only as its answer.
		 */
		readonly pushToOtherSessions: (updates: { getBytes(): Buffer }) => void = () => undefined,
	) {}

	/** The logged-in account; calls that need one answer 401 without it, like Telegram. */
	user(): FakeUser {
		const user =
			this.auth.userId === undefined
				? undefined
				: this.world.users.find((u) => u.id === this.auth.userId);
		if (!user) throw new RpcFailure(401, 'AUTH_KEY_UNREGISTERED');
		return user;
	}

	now(): number {
		return this.world.nowSeconds();
	}
}
