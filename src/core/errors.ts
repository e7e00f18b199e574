// One error type for everything a user should read: a one-line message, an
// optional "Try: …" hint, and (for the HTTP surface) a status code. Anything
// else that escapes is a bug and is reported as such.
export class FangsError extends Error {
  readonly hint?: string;
  readonly status: number;
  constructor(message: string, opts: { hint?: string; status?: number; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.name = "FangsError";
    this.hint = opts.hint;
    this.status = opts.status ?? 400;
  }
}

export class NotFoundError extends FangsError {
  constructor(what: string, hint?: string) {
    super(`${what} not found`, { hint, status: 404 });
  }
}

/** Render any thrown value as one line, without a stack, for stderr or a log. */
export function oneLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.replace(/\s*\n\s*/g, " ").trim();
}
