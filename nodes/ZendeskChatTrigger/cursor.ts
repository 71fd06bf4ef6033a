/** Where the next poll continues the incremental export (kept in the node's static data). */
export interface ExportCursor {
	startTime?: number;
	startId?: string;
}

export interface PageEnd {
	endTime?: number;
	endId?: string;
}

/**
 * The cursor after a poll: the last page that reported an end position, or the old cursor when no
 * page did (nothing changed). Never moves backwards.
 */
export function advanceCursor(cursor: ExportCursor, pages: PageEnd[]): ExportCursor {
	let next: ExportCursor = { ...cursor };
	for (const page of pages) {
		if (page.endTime === undefined || page.endTime === null) continue;
		if (next.startTime !== undefined && page.endTime < next.startTime) continue;
		next = { startTime: page.endTime, startId: page.endId ?? undefined };
	}
	return next;
}

/**
 * Where a poll starts: the stored cursor, else the configured start. `undefined` means "first
 * active run from now": store the cursor and emit nothing, so existing chats do not flood the
 * workflow.
 */
export function pollStart(
	cursor: ExportCursor,
	options: { startFrom: 'now' | 'date'; startDate?: number; nowSec: number; manual: boolean; lookbackSec: number },
): { startTime: number; startId?: string } | undefined {
	if (cursor.startTime !== undefined) return { startTime: cursor.startTime, startId: cursor.startId };
	if (options.startFrom === 'date' && options.startDate !== undefined) return { startTime: options.startDate };
	if (options.manual) return { startTime: Math.max(0, options.nowSec - options.lookbackSec) };
	return undefined;
}
