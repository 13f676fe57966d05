/**
 * Cuts a backend's lazily produced row batches into FetchResults pages.
 *
 * Memory stays bounded by one page plus one look-ahead batch: batches are pulled only while a
 * page is being filled, and one more is pulled after it so `hasMoreRows` is exact, as Databricks
 * reports it. (driver 2.1.0's RowSetProvider treats any non-empty page as "more rows may follow"
 * whatever `hasMoreRows` says, so it always ends with one FetchResults that returns no rows.)
 *
 * Page size is the client's `maxRows` (the driver asks for 100,000 by default), capped at
 * MAX_PAGE_ROWS; the driver handles pages shorter than it asked for (ResultSlicer refills).
 */

export const MAX_PAGE_ROWS = 100_000;

export interface ResultPage {
  rows: unknown[][];
  hasMoreRows: boolean;
  /** Row number of the first row of the page, counted from 0. */
  startRowOffset: number;
}

export class ResultPager {
  private readonly iterator: AsyncIterator<unknown[][]>;
  /** Batches pulled but not yet fully served; `offset` rows of the first one are served. */
  private buffered: unknown[][][] = [];
  private offset = 0;
  private exhausted = false;
  private closed = false;
  /** FetchResults calls are serialized; the driver never overlaps them, but a client could. */
  private lock: Promise<unknown> = Promise.resolve();
  private rowsServed = 0;
  private pagesServed = 0;

  constructor(batches: AsyncIterable<unknown[][]>) {
    this.iterator = batches[Symbol.asyncIterator]();
  }

  get started(): boolean {
    return this.pagesServed > 0;
  }

  private get bufferedRows(): number {
    let count = -this.offset;
    for (const batch of this.buffered) count += batch.length;
    return count;
  }

  /** Pulls batches until at least one row is buffered or the backend has no more. */
  async fillLookAhead(): Promise<void> {
    while (!this.exhausted && this.bufferedRows === 0) {
      const next = await this.iterator.next();
      if (this.closed) return;
      if (next.done) {
        this.exhausted = true;
      } else if (next.value.length > 0) {
        this.buffered.push(next.value);
      }
    }
  }

  nextPage(maxRows: number): Promise<ResultPage> {
    const page = this.lock.then(() => this.readPage(Math.max(1, Math.min(maxRows, MAX_PAGE_ROWS))));
    this.lock = page.catch(() => undefined);
    return page;
  }

  private async readPage(limit: number): Promise<ResultPage> {
    const rows: unknown[][] = [];
    while (rows.length < limit) {
      await this.fillLookAhead();
      const batch = this.buffered[0];
      if (!batch) break;
      const take = Math.min(limit - rows.length, batch.length - this.offset);
      for (let i = 0; i < take; i++) rows.push(batch[this.offset + i] as unknown[]);
      this.offset += take;
      if (this.offset === batch.length) {
        this.buffered.shift();
        this.offset = 0;
      }
    }
    await this.fillLookAhead();
    const startRowOffset = this.rowsServed;
    this.rowsServed += rows.length;
    this.pagesServed += 1;
    return { rows, hasMoreRows: this.bufferedRows > 0, startRowOffset };
  }

  /** Stops the backend's iteration (e.g. on cancel or close) and drops buffered rows. */
  async close(): Promise<void> {
    this.closed = true;
    this.buffered = [];
    if (this.exhausted) return;
    this.exhausted = true;
    await this.iterator.return?.();
  }
}
