/** One line of the bench table. */
export interface Row {
	case: string;
	items: number;
	msTotal: number;
	msPerItem: number;
	heapMb: number;
	/** CPU time (user + system) of this process per item, where measured. */
	cpuMsPerItem?: number;
}
