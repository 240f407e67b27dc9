/** One line of the bench table. */
export interface Row {
	case: string;
	items: number;
	msTotal: number;
	msPerItem: number;
	heapMb: number;
}
