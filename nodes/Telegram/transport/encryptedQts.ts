/**
 * The qts of each encrypted message in a getDifference answer that started at `fromQts` and
 * reached `reachedQts`. Each encrypted message takes the next qts, so they are known per message
 * when the count matches; else 0 (not known), which the secret chats never take for a duplicate.
 */
export function encryptedQtsOf(fromQts: number, reachedQts: number, count: number): number[] {
	const numbered = reachedQts - fromQts === count;
	return Array.from({ length: count }, (_, index) => (numbered ? fromQts + index + 1 : 0));
}
