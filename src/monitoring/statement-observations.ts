/** One scored row kept for the inference log: the function's arguments and its value. */
export interface ScoredSample {
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly prediction: unknown;
}

/** What one function did in one statement. */
export interface FunctionObservation {
  rowsScored: number;
  /** A uniform random sample of the scored rows (reservoir sampling), at most `capacity`. */
  readonly samples: ScoredSample[];
  /** Algorithm L's state: the running weight, and the count of rows at which to take the next. */
  weight: number;
  nextTaken: number;
}

/**
 * What the prediction functions of one statement scored, chunk by chunk, as the UDFs and the
 * compiled route's observer report it. The sample is uniform over all rows of the statement,
 * so a long statement is represented by its whole run, not its first chunk. Reservoir sampling
 * by Algorithm L (Li, 1994) draws how many rows to skip rather than a number per row, so once
 * the reservoir is full a chunk costs a few random draws, not one per row.
 */
export class StatementObservations {
  private readonly functions = new Map<string, FunctionObservation>();

  constructor(
    readonly capacity: number,
    private readonly random: () => number = Math.random,
  ) {}

  /** A draw in (0, 1), as Algorithm L's logarithms need. */
  private draw(): number {
    let value = this.random();
    while (value === 0) value = this.random();
    return value;
  }

  private skipFrom(observation: FunctionObservation): void {
    observation.nextTaken += Math.floor(Math.log(this.draw()) / Math.log(1 - observation.weight)) + 1;
  }

  /**
   * Counts the scored rows of a chunk (`scoredRows[i]` is the i-th scored row's index in the
   * chunk); `read` reads the sample of a chunk row only when it is kept.
   */
  offer(functionName: string, scoredRows: ArrayLike<number>, read: (row: number) => ScoredSample): void {
    let observation = this.functions.get(functionName);
    if (!observation) {
      observation = { rowsScored: 0, samples: [], weight: 0, nextTaken: 0 };
      this.functions.set(functionName, observation);
    }
    const before = observation.rowsScored;
    const count = scoredRows.length;
    let index = 0;
    // Filling: every row is kept until the reservoir holds `capacity`.
    while (index < count && observation.samples.length < this.capacity) {
      observation.samples.push(read(scoredRows[index] as number));
      index += 1;
      if (observation.samples.length === this.capacity) {
        observation.weight = Math.exp(Math.log(this.draw()) / this.capacity);
        observation.nextTaken = before + index;
        this.skipFrom(observation);
      }
    }
    // Full: jump to the rows Algorithm L takes, each replacing a random kept one.
    while (
      this.capacity > 0 &&
      observation.samples.length === this.capacity &&
      observation.nextTaken - 1 < before + count
    ) {
      const taken = observation.nextTaken - 1 - before;
      observation.samples[Math.floor(this.random() * this.capacity)] = read(scoredRows[taken] as number);
      observation.weight *= Math.exp(Math.log(this.draw()) / this.capacity);
      this.skipFrom(observation);
    }
    observation.rowsScored = before + count;
  }

  of(functionName: string): FunctionObservation | undefined {
    return this.functions.get(functionName);
  }
}
