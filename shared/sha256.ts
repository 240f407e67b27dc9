import * as crypto from 'node:crypto';

// crypto.hash (Node 20.12+) hashes a short string in a third of createHash's time; it is asked
// for every send (random_id, once-only key). Older Node falls back to createHash, same digest.
const oneShot = (crypto as { hash?: typeof crypto.hash }).hash;

/** SHA-256 of a UTF-8 string. */
export function sha256(data: string): Buffer {
	if (oneShot) return oneShot('sha256', data, 'buffer');
	return crypto.createHash('sha256').update(data).digest();
}
