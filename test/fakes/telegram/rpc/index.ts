import { authRoutes } from './authRpc';
import { authorizationsRoutes } from './authorizationsRpc';
import { connectionRoutes, type ConnectionRoutesOptions } from './connectionRpc';
import { deleteRoutes } from './deleteRpc';
import { downloadRoutes } from './downloadRpc';
import type { RpcContext } from './context';
import { dialogsRoutes } from './dialogsRpc';
import { peersRoutes } from './peersRpc';
import { qrLoginRoutes } from './qrLoginRpc';
import type { RpcAnswer, RpcRoute } from './route';
import { scheduledRoutes } from './scheduledRpc';
import { secretRoutes } from './secretRpc';
import { sendRoutes } from './sendRpc';
import { updatesRoutes } from './updatesRpc';
import { uploadRoutes } from './uploadRpc';
import type { SecretChatRelay } from '../secretChats';
import { badRequest } from '../wire';

/** Every RPC the fake answers, by constructor id; anything else is METHOD_NOT_IMPLEMENTED_IN_FAKE. */

export const METHOD_NOT_IMPLEMENTED = 'METHOD_NOT_IMPLEMENTED_IN_FAKE';

export interface RpcTableOptions extends ConnectionRoutesOptions {
	secretChats: SecretChatRelay;
}

export class RpcTable {
	private readonly routes = new Map<number, RpcRoute>();

	constructor(options: RpcTableOptions) {
		const all = [
			...connectionRoutes(options),
			...authRoutes(),
			...qrLoginRoutes(),
			...authorizationsRoutes(),
			...peersRoutes(),
			...dialogsRoutes(),
			...sendRoutes(),
			...scheduledRoutes(),
			...uploadRoutes(),
			...downloadRoutes(options.secretChats),
			...deleteRoutes(),
			...secretRoutes(options.secretChats),
			...updatesRoutes(options.secretChats),
		];
		for (const route of all) this.routes.set(route.constructorId, route);
	}

	answer(ctx: RpcContext, request: { CONSTRUCTOR_ID: number }): RpcAnswer {
		const route = this.routes.get(request.CONSTRUCTOR_ID);
		if (!route) throw badRequest(METHOD_NOT_IMPLEMENTED);
		return route.handle(ctx, request);
	}
}
