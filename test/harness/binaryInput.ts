import { WorkflowExecute } from 'n8n-core';
import type { IBinaryData, IRunExecutionData, Workflow } from 'n8n-workflow';

/** A file as n8n holds binary data in memory (base64), e.g. for a node's binary property. */
export function binaryFile(bytes: Buffer, fileName: string, mimeType: string): IBinaryData {
	return {
		data: bytes.toString('base64'),
		fileName,
		mimeType,
		fileSize: String(bytes.length),
		fileExtension: fileName.split('.').pop(),
	};
}

type Internals = { runExecutionData: IRunExecutionData };

/**
 * runNode feeds json-only items; this gives the input items binary properties too (by index),
 * by adding them to the execution stack just before n8n-core's WorkflowExecute processes it.
 */
export async function withBinaryInput<T>(
	binaries: Array<Record<string, IBinaryData> | undefined>,
	run: () => Promise<T>,
): Promise<T> {
	const prototype = WorkflowExecute.prototype as unknown as {
		processRunExecutionData(workflow: Workflow): unknown;
	};
	const original = prototype.processRunExecutionData;
	prototype.processRunExecutionData = function (this: Internals, workflow: Workflow) {
		const stack = this.runExecutionData.executionData?.nodeExecutionStack ?? [];
		const items = stack[0]?.data.main[0] ?? [];
		items.forEach((item, index) => {
			const binary = binaries[index];
			if (binary) item.binary = binary;
		});
		return original.call(this, workflow);
	};
	try {
		return await run();
	} finally {
		prototype.processRunExecutionData = original;
	}
}
