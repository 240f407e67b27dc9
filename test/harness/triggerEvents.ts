import type { ExecutionError, IDataObject, INodeExecutionData } from 'n8n-workflow';

/** Collects what a trigger emits, and waits for the next item. */
export class Emitted {
	readonly items: IDataObject[] = [];
	readonly errors: Error[] = [];
	/** What the trigger reported as failed executions while staying active (saveFailedExecution). */
	readonly failedExecutions: ExecutionError[] = [];
	private waiters: Array<() => void> = [];

	emit = (data: INodeExecutionData[][]) => {
		for (const item of data[0] ?? []) this.items.push(item.json);
		this.wake();
	};

	emitError = (error: Error) => {
		this.errors.push(error);
		this.wake();
	};

	saveFailedExecution = (error: ExecutionError) => {
		this.failedExecutions.push(error);
		this.wake();
	};

	private wake() {
		for (const waiter of this.waiters.splice(0)) waiter();
	}

	async until<T>(found: () => T | undefined): Promise<T> {
		for (;;) {
			const value = found();
			if (value !== undefined) return value;
			await new Promise<void>((resolve) => this.waiters.push(resolve));
		}
	}

	async nextOf(event: string, after = 0): Promise<IDataObject> {
		return await this.until(() => this.items.slice(after).find((item) => item.event === event));
	}
}
