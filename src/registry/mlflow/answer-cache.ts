/**
 * Answers from the MLflow server kept for a short time, so that a busy process (the HTTP server
 * scoring many small requests) does not ask MLflow where an alias points on every statement. A
 * failed answer is never kept: the next call asks again. A time of 0 keeps nothing.
 */
export class AnswerCache {
  private readonly answers = new Map<
    string,
    { readonly expires: number; readonly answer: Promise<unknown> }
  >();

  constructor(private readonly keepMilliseconds: number) {}

  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    if (this.keepMilliseconds <= 0) return load();
    const now = Date.now();
    const kept = this.answers.get(key);
    if (kept && kept.expires > now) return kept.answer as Promise<T>;
    const answer = load();
    this.answers.set(key, { expires: now + this.keepMilliseconds, answer });
    answer.catch(() => {
      if (this.answers.get(key)?.answer === answer) this.answers.delete(key);
    });
    return answer;
  }

  /** Forgets everything: after this process changed the registry (an alias set, a stage moved). */
  clear(): void {
    this.answers.clear();
  }
}
