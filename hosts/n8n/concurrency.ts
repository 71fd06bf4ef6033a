/**
 * Runs `task` for every index with at most `limit` running at once; results keep input order.
 * A rejected task does not stop the others: each result is `{ ok: true, value }` or `{ ok: false, error }`.
 */
export type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown };

export async function runBounded<R>(count: number, limit: number, task: (index: number) => Promise<R>): Promise<Array<Settled<R>>> {
	const results: Array<Settled<R>> = new Array(count);
	const width = Math.max(1, Math.min(Math.floor(limit) || 1, count));
	let next = 0;
	const worker = async () => {
		while (next < count) {
			const index = next++;
			try {
				results[index] = { ok: true, value: await task(index) };
			} catch (error) {
				results[index] = { ok: false, error };
			}
		}
	};
	await Promise.all(Array.from({ length: width }, worker));
	return results;
}

/**
 * Like `runBounded`, but the first task runs alone before the rest start, so a credential without
 * a stored token gets exactly one token (or one refresh) that every later request reuses.
 */
export async function runBoundedAfterFirst<R>(count: number, limit: number, task: (index: number) => Promise<R>): Promise<Array<Settled<R>>> {
	if (count === 0) return [];
	const first = await runBounded(1, 1, task);
	const rest = await runBounded(count - 1, limit, (index) => task(index + 1));
	return [...first, ...rest];
}
