// Request body caps (hono bodyLimit): refused with 413 before anything is
// parsed or written. The event batch cap follows from MAX_BATCH_EVENTS events
// of realistic size; everything else is a small JSON document.
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";

export const SMALL_BODY_BYTES = 64 * 1024;
export const EVENT_BATCH_BYTES = 16 * 1024 * 1024;

export function limitBody(maxSize: number): MiddlewareHandler {
  return bodyLimit({
    maxSize,
    onError: (c) => c.json({ error: `request body larger than ${maxSize} bytes` }, 413),
  });
}
