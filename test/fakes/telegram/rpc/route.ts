import type { RpcContext } from './context';

/** One RPC the fake answers: the request class, and a handler returning the serialized result. */

export type RpcAnswer = Buffer | Promise<Buffer>;

export interface RpcRoute {
	constructorId: number;
	handle(ctx: RpcContext, request: unknown): RpcAnswer;
}

export function on<T>(
	requestClass: { CONSTRUCTOR_ID: number; prototype: T },
	handle: (ctx: RpcContext, request: T) => RpcAnswer,
): RpcRoute {
	return {
		constructorId: requestClass.CONSTRUCTOR_ID,
		handle: (ctx, request) => handle(ctx, request as T),
	};
}
