/** One line of the bench table. */
export interface Row {
	case: string;
	items: number;
	msTotal: number;
	msPerItem: number;
	heapMb: number;
	/** CPU time (user + system) of this process per item, where measured. */
	cpuMsPerItem?: number;
	/** Secret chats: the time the other side (a simulated phone, in this process) spent per item. */
	peerMsPerItem?: number;
	/** Secret chats: re-keys completed during the row. */
	rekeys?: number;
}
