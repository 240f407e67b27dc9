import bigInt from 'big-integer';
import { Api } from 'telegram';
import { RPCResult } from 'telegram/tl/core';

/**
 * The few MTProto wrappers gramjs has no serializable class for, written by constructor id,
 * plus conversions between the fake's bigint and gramjs's big-integer longs.
 */

const VECTOR_ID = 0x1cb5c415;
const BOOL_TRUE_ID = 0x997275b5;
const BOOL_FALSE_ID = 0xbc799737;

export type Long = bigInt.BigInteger;

export function toLong(value: bigint): Long {
	return bigInt(value.toString());
}

export function fromLong(value: Long | bigint | number | string): bigint {
	return BigInt(value.toString());
}

function uint32(value: number): Buffer {
	const buffer = Buffer.alloc(4);
	buffer.writeUInt32LE(value >>> 0, 0);
	return buffer;
}

function int32(value: number): Buffer {
	const buffer = Buffer.alloc(4);
	buffer.writeInt32LE(value, 0);
	return buffer;
}

export function longBytes(value: bigint): Buffer {
	const buffer = Buffer.alloc(8);
	buffer.writeBigInt64LE(BigInt.asIntN(64, value), 0);
	return buffer;
}

export function vectorBytes(items: Array<{ getBytes(): Buffer }>): Buffer {
	return Buffer.concat([
		uint32(VECTOR_ID),
		int32(items.length),
		...items.map((item) => item.getBytes()),
	]);
}

export function boolBytes(value: boolean): Buffer {
	return uint32(value ? BOOL_TRUE_ID : BOOL_FALSE_ID);
}

export function rpcResultBytes(requestMsgId: bigint, result: Buffer): Buffer {
	return Buffer.concat([uint32(RPCResult.CONSTRUCTOR_ID), longBytes(requestMsgId), result]);
}

export function rpcErrorBytes(code: number, message: string): Buffer {
	return new Api.RpcError({ errorCode: code, errorMessage: message }).getBytes();
}

/** A request handler's way to answer with an RPC error (Api.RpcError inside rpc_result). */
export class RpcFailure extends Error {
	constructor(
		readonly code: number,
		readonly errorMessage: string,
		/** For *_MIGRATE_X: the DC the client's next DH key is made for. */
		readonly migrateToDc?: number,
	) {
		super(`${code} ${errorMessage}`);
	}
}

export const badRequest = (message: string) => new RpcFailure(400, message);
