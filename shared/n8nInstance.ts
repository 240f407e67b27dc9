import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterNode, RedisOptions } from 'ioredis';

/**
 * What the n8n process we run in was configured with, read from the environment the way n8n
 * reads it (@n8n/config 2.x): `NAME`, else the file named by `NAME_FILE`; quotes and blanks
 * around string values dropped; booleans "true"/"1" and "false"/"0".
 */

export function n8nEnv(name: string): string | undefined {
	if (name in process.env) return process.env[name]?.trim().replace(/^(['"])(.*)\1$/, '$2');
	const file = process.env[`${name}_FILE`];
	return file ? readFileSync(file, 'utf8').trim() : undefined;
}

function n8nFlag(name: string): boolean {
	return ['true', '1'].includes((n8nEnv(name) ?? '').toLowerCase());
}

function n8nNumber(name: string, fallback: number): number {
	const value = Number(n8nEnv(name));
	return n8nEnv(name) !== undefined && Number.isFinite(value) ? value : fallback;
}

/** n8n's data folder (`~/.n8n`): N8N_USER_FOLDER, else HOME, else the working folder, plus ".n8n". */
export function n8nFolder(): string {
	return join(process.env.N8N_USER_FOLDER ?? process.env.HOME ?? process.cwd(), '.n8n');
}

/** The Redis n8n's queue mode uses, as its QUEUE_BULL_REDIS_* settings describe it. */
export interface QueueRedis {
	options: RedisOptions;
	/** QUEUE_BULL_REDIS_CLUSTER_NODES, when n8n talks to a Redis cluster. */
	clusterNodes?: ClusterNode[];
	/** QUEUE_BULL_PREFIX: tells apart n8n instances that share one Redis. */
	prefix: string;
	/** host:port (or the cluster's nodes) for messages; never the password. */
	where: string;
}

/** The queue-mode Redis when EXECUTIONS_MODE=queue, else undefined (one n8n process). */
export function queueModeRedis(): QueueRedis | undefined {
	if (n8nEnv('EXECUTIONS_MODE') !== 'queue') return undefined;
	const host = n8nEnv('QUEUE_BULL_REDIS_HOST') || 'localhost';
	const port = n8nNumber('QUEUE_BULL_REDIS_PORT', 6379);
	const options: RedisOptions = {
		host,
		port,
		db: n8nNumber('QUEUE_BULL_REDIS_DB', 0),
		username: n8nEnv('QUEUE_BULL_REDIS_USERNAME') || undefined,
		password: n8nEnv('QUEUE_BULL_REDIS_PASSWORD') || undefined,
	};
	if (n8nFlag('QUEUE_BULL_REDIS_DUALSTACK')) options.family = 0;
	if (n8nFlag('QUEUE_BULL_REDIS_TLS')) {
		const serverName = n8nEnv('QUEUE_BULL_REDIS_TLS_SERVERNAME');
		options.tls = {
			...(serverName ? { servername: serverName } : {}),
			rejectUnauthorized:
				n8nEnv('QUEUE_BULL_REDIS_TLS_VALIDATE_CERTIFICATE') === undefined
					? true
					: n8nFlag('QUEUE_BULL_REDIS_TLS_VALIDATE_CERTIFICATE'),
		};
	}
	const clusterNodes = (n8nEnv('QUEUE_BULL_REDIS_CLUSTER_NODES') ?? '')
		.split(',')
		.map((pair) => pair.trim())
		.filter((pair) => pair.length > 0)
		.map((pair) => {
			const [nodeHost, nodePort] = pair.split(':');
			return { host: nodeHost, port: Number(nodePort) };
		});
	return {
		options,
		clusterNodes: clusterNodes.length > 0 ? clusterNodes : undefined,
		prefix: n8nEnv('QUEUE_BULL_PREFIX') || 'bull',
		where:
			clusterNodes.length > 0
				? `cluster ${clusterNodes.map((node) => `${node.host}:${node.port}`).join(',')}`
				: `${host}:${port}`,
	};
}
